package org.mailward.admin.auth;

import java.util.Locale;

/**
 * What an admin token may do. {@link #ADMIN} everything; {@link #OPERATOR} the queue, health and
 * reading tenants; {@link #AUDITOR} reading the audit journal; {@link #COMPLIANCE} consent,
 * suppressions, the policy dry-run and the audit journal. Which route allows which role is in
 * {@code AdminRoutes}, one line per route.
 */
public enum Role {
  ADMIN, OPERATOR, AUDITOR, COMPLIANCE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }

  /** Whether queue views show recipient addresses in full (and are then audited). */
  public boolean seesAddresses() {
    return this == ADMIN || this == COMPLIANCE;
  }
}
