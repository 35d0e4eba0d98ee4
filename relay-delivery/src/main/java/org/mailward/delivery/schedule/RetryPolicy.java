package org.mailward.delivery.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.mailward.delivery.DeliveryConfig;

/**
 * When to try a deferred recipient again: exponential backoff from the initial
 * delay (doubling per attempt, capped), spread by ±jitter so that a destination
 * that came back is not hit by the whole backlog at once; never later than the
 * message's expiry, so the last try happens at the end of the queue lifetime;
 * and never past the delay-warning time, so that one try happens then and the
 * "delayed" DSN goes out on time. {@link #delayWarningDue} says which deferral
 * is that one: the recipient was due at or before the warning time and is
 * tried at or after it — true for exactly one attempt, with no state kept.
 */
public final class RetryPolicy {
  private final DeliveryConfig.Retry retry;
  private final RandomGenerator random;

  public RetryPolicy(DeliveryConfig.Retry retry, RandomGenerator random) {
    this.retry = retry;
    this.random = random;
  }

  /** @param attempts attempts made so far, including the one that just failed (1 after the first) */
  public Instant next(Instant now, int attempts, Instant receivedAt) {
    long max = retry.maxBackoff().toMillis();
    long delay = retry.initialBackoff().toMillis();
    for (int i = 1; i < attempts && delay < max; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, max);
    double spread = retry.jitter() == 0 ? 1.0 : 1.0 + (random.nextDouble() * 2 - 1) * retry.jitter();
    Instant at = now.plus(Duration.ofMillis(Math.max(1, (long) (delay * spread))));
    Instant expiry = expiry(receivedAt);
    at = at.isAfter(expiry) ? expiry : at;
    if (!retry.delayWarning().isZero()) {
      Instant warn = receivedAt.plus(retry.delayWarning());
      at = now.isBefore(warn) && at.isAfter(warn) ? warn : at;
    }
    return at;
  }

  /**
   * Whether a deferral now of a recipient that was due at {@code due} is the one that warns the sender
   * (NOTIFY=DELAY): {@code due <= receivedAt + delayWarning <= now}.
   */
  public boolean delayWarningDue(Instant due, Instant now, Instant receivedAt) {
    if (retry.delayWarning().isZero()) {
      return false;
    }
    Instant warn = receivedAt.plus(retry.delayWarning());
    return !due.isAfter(warn) && !now.isBefore(warn);
  }

  public Instant expiry(Instant receivedAt) {
    return receivedAt.plus(retry.queueLifetime());
  }

  /** The bounce a deferral becomes at the end of the queue lifetime: 4.4.7 (as Postfix reports it), the last reason as detail. */
  public static org.mailward.api.RecipientOutcome.Bounced expiredBounce(org.mailward.api.RecipientOutcome.Deferred d) {
    return new org.mailward.api.RecipientOutcome.Bounced(
        org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.MESSAGE_EXPIRED, d.reason().label()),
        java.util.Optional.of(org.mailward.api.SmtpReply.of(451, "4.4.7", "Delivery time expired"
            + d.reply().map(r -> "; last reply " + r.code() + " " + r.status()).orElse(""))), d.tls());
  }

  public boolean expired(Instant now, Instant receivedAt) {
    return !now.isBefore(expiry(receivedAt));
  }

  public boolean fallbackDue(Instant now, Instant receivedAt) {
    return !now.isBefore(receivedAt.plus(retry.fallbackDelay()));
  }
}
