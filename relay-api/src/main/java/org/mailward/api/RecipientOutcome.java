package org.mailward.api;

import java.time.Instant;
import java.util.Optional;

/** What happened to one recipient on one delivery attempt. */
public sealed interface RecipientOutcome {
  /** 2xx from the receiving server. */
  record Delivered(SmtpReply reply, TlsFacts tls) implements RecipientOutcome {}

  /** 4xx, connection or TLS failure: try again at {@code retryAt}; {@code reason} says which, as a type. */
  record Deferred(DeliveryFailure reason, Optional<SmtpReply> reply, Optional<TlsFacts> tls, Instant retryAt)
      implements RecipientOutcome {}

  /**
   * 5xx, a domain that cannot receive mail, or expiry: final; a DSN goes to the sender where asked for.
   * {@code reason} tells a mailbox-level reply of the receiving server (REMOTE_5XX) from a failure seen
   * in DNS or in Mailward itself, which is what bounce classification reads.
   */
  record Bounced(DeliveryFailure reason, Optional<SmtpReply> reply, Optional<TlsFacts> tls) implements RecipientOutcome {}

  /** Handed to the portal; the notice went out separately. */
  record HeldInPortal(String pickupId, Instant expiresAt) implements RecipientOutcome {}

  /** Policy decided after DATA that this recipient must never be delivered. */
  record Dropped(String rule) implements RecipientOutcome {}

  default boolean isFinal() {
    return !(this instanceof Deferred);
  }
}
