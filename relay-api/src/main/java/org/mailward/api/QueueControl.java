package org.mailward.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The operator's view of the spool and the actions on it: what {@code postqueue -p},
 * {@code qshape}, {@code postqueue -f} and {@code postsuper -h/-H/-d} do for Postfix.
 *
 * <p>Implemented by the spool (queue module); used by the admin API through relay-app.
 * Every action is durable when its stage completes (the same group commit as acceptance)
 * and survives a crash; the caller audits it. Reads never return a body; addresses are
 * returned and the caller masks them unless the role allows otherwise.
 */
public interface QueueControl {

  /** Messages in {@code state} (or every unfinished message when empty), oldest first, at most {@code limit}. */
  List<QueuedMessage> list(Optional<QueueState> state, Optional<String> domain, int limit);

  /** One unfinished message with its recipients. */
  Optional<QueuedMessage> message(MessageId id);

  /** Unfinished recipients by destination domain and age bucket ({@code qshape}). */
  List<DestinationShape> shape(Instant now, List<Duration> bucketUpperBounds);

  /** Stops delivery of the message's unfinished recipients until released. Returns recipients affected. */
  CompletionStage<Integer> hold(MessageId id);

  /** Makes held recipients due now. */
  CompletionStage<Integer> release(MessageId id);

  /** Makes deferred recipients due now: one message, one domain, or all ({@code postqueue -f}). */
  CompletionStage<Integer> retryNow(Selector selector);

  /** Settles every unfinished recipient as bounced by the operator; the caller sends the DSN. */
  CompletionStage<Integer> bounce(MessageId id);

  /** Removes the message without a DSN (crypto-shredded like a finished one). */
  CompletionStage<Integer> delete(MessageId id);

  /** Stops claiming recipients for a destination domain until resumed; survives restart. */
  CompletionStage<Void> suspend(String domain);

  CompletionStage<Void> resume(String domain);

  Set<String> suspendedDomains();

  /** Where a recipient stands, as an operator sees it. */
  enum QueueState { ACTIVE, DEFERRED, HELD }

  /** Which recipients an action applies to. */
  sealed interface Selector {
    record OneMessage(MessageId id) implements Selector {}

    record Domain(String domain) implements Selector {}

    record All() implements Selector {}
  }

  /** A message as the queue listing shows it; {@code lastReply} is the last remote or local reason. */
  record QueuedMessage(MessageId id, TenantId tenant, Instant arrived, long sizeBytes, SecurityLevel level,
                       List<QueuedRecipient> recipients) {
    public QueuedMessage {
      recipients = List.copyOf(recipients);
    }
  }

  record QueuedRecipient(int index, EmailAddress address, String domain, QueueState state, int attempts,
                         Optional<Instant> nextAttempt, Optional<String> lastReply) {}

  /** Counts per age bucket, in the order of the bucket bounds given to {@link #shape}; the last is "older". */
  record DestinationShape(String domain, long total, List<Long> countsByAge) {
    public DestinationShape {
      countsByAge = List.copyOf(countsByAge);
    }
  }
}
