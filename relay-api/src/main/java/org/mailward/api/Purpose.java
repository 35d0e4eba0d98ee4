package org.mailward.api;

import java.util.Locale;

/**
 * Why a message is sent; decides which consent rules apply (see docs/policy.md).
 * {@link #MARKETING} is the safe default: it needs a written authorization.
 */
public enum Purpose {
  MARKETING,
  FUNDRAISING,
  TREATMENT,
  OPERATIONS,
  TRANSACTIONAL;

  /** Lower-case name as used in configuration, headers and audit records. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Purpose fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }
}
