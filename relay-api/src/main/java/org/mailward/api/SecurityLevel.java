package org.mailward.api;

import java.util.Locale;

/**
 * The transport security a delivery requires, weakest first. None of them
 * permits plaintext. {@link #PORTAL} means the body never leaves by SMTP: it is
 * held for pick-up in the secure portal.
 */
public enum SecurityLevel {
  /** STARTTLS with TLS 1.2 or newer; any certificate. */
  ENCRYPT,
  /** As ENCRYPT, and the certificate must validate for the MX host name. */
  VERIFY,
  /** TLSA records found through DNSSEC must match (RFC 7672). */
  DANE,
  /** Hold in the portal; send only a PHI-free notice. */
  PORTAL;

  /** The stricter of the two. */
  public SecurityLevel strictest(SecurityLevel other) {
    return compareTo(other) >= 0 ? this : other;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SecurityLevel fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }
}
