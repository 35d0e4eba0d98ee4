package org.mailward.api;

/** What happens to a recipient when no MX can meet the required {@link SecurityLevel}. */
public enum TlsFallback {
  /** Hand the message to the portal and send a notice (defers while no portal is configured). */
  PORTAL,
  /** Keep retrying until the fallback delay passes, then portal or bounce. */
  DEFER,
  /** Bounce at once with a DSN. */
  BOUNCE
}
