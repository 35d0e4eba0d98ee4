package org.mailward.core.testing;

import java.util.Set;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;

/** Tenants for tests. */
public final class Tenants {
  private Tenants() {}

  public static Tenant clinic(String passwordHash) {
    return new Tenant(new TenantId("clinic"), "apikey", passwordHash, Set.of("clinic.test"),
        new TenantLimits(50, 20L * 1024 * 1024, 20, 0), Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.PORTAL);
  }

  public static Tenant withLimits(String passwordHash, TenantLimits limits) {
    return new Tenant(new TenantId("limited"), "limited", passwordHash, Set.of("limited.test"),
        limits, Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.PORTAL);
  }
}
