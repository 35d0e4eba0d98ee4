package org.mailward.admin.auth;

import java.util.Optional;
import org.mailward.admin.http.ApiProblem;
import org.mailward.api.TenantId;

/**
 * The caller of one request: the token's id (what audit records name; never the token), its role
 * and, for a tenant-scoped token, the one tenant it may see.
 */
public record Principal(String tokenId, Role role, Optional<TenantId> tenant) {

  /** A 404 (not a 403: a scoped token must not learn that other tenants exist) for another tenant. */
  public void requireTenant(TenantId id) {
    if (tenant.isPresent() && !tenant.get().equals(id)) {
      throw ApiProblem.notFound("tenant");
    }
  }

  public boolean sees(TenantId id) {
    return tenant.isEmpty() || tenant.get().equals(id);
  }
}
