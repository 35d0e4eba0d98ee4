package org.mailward.portal.unsubscribe;

import java.net.URI;
import java.util.Optional;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;

/**
 * What the one-click endpoint calls on POST: verify the token and suppress the recipient for its
 * purpose, at once and idempotently. Implemented in relay-app on top of the policy module's
 * revocation service, so this module depends on relay-api only. Blocking (store I/O): the server
 * calls it on a worker thread. Throwing means "the store is unavailable" (answered 503).
 */
@FunctionalInterface
public interface Unsubscriber {
  Outcome unsubscribe(String token);

  /** The outcome of one revocation request. */
  sealed interface Outcome {
    /**
     * @param repeat the person was already unsubscribed (link clicked twice): nothing changed
     * @param forwardTo the ESP's unsubscribe URL to notify so its lists stay in sync, if any
     */
    record Unsubscribed(TenantId tenant, Purpose purpose, boolean repeat, Optional<URI> forwardTo) implements Outcome {}

    /**
     * The token is not valid (tampered, unknown version) or has expired.
     *
     * @param detail a short, bounded reason for the audit record (never shown to the person)
     */
    record Rejected(Why why, String detail) implements Outcome {}

    /** The store could not be reached; the person may try again. */
    record Unavailable(String detail) implements Outcome {}
  }

  /** Why a token was refused. */
  enum Why {
    INVALID,
    EXPIRED;

    /** The audit rule name: {@code unsubscribe.token.invalid} or {@code unsubscribe.token.expired}. */
    public String rule() {
      return this == INVALID ? "unsubscribe.token.invalid" : "unsubscribe.token.expired";
    }
  }
}
