package org.mailward.core.testing;

import java.util.List;
import java.util.Optional;
import org.mailward.api.Tenant;
import org.mailward.api.TenantDirectory;
import org.mailward.api.TenantId;

/** A fixed list of tenants. */
public record MapTenantDirectory(List<Tenant> tenants) implements TenantDirectory {
  @Override
  public Optional<Tenant> byUsername(String smtpUsername) {
    return tenants.stream().filter(t -> t.smtpUsername().equals(smtpUsername)).findFirst();
  }

  @Override
  public Optional<Tenant> byId(TenantId id) {
    return tenants.stream().filter(t -> t.id().equals(id)).findFirst();
  }
}
