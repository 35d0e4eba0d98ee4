package org.mailward.policy.consent;

import java.util.Locale;

/** Why a recipient is suppressed; the label names the refusing rule, {@code suppression.<label>}. */
public enum SuppressionReason {
  UNSUBSCRIBE, COMPLAINT, HARD_BOUNCE, MANUAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static SuppressionReason fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
