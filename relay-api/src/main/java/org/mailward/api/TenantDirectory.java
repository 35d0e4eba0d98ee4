package org.mailward.api;

import java.util.Optional;

/** Looks tenants up; backed by configuration now, by the admin API's store later. Memory-only: cheap. */
public interface TenantDirectory {
  Optional<Tenant> byUsername(String smtpUsername);

  Optional<Tenant> byId(TenantId id);
}
