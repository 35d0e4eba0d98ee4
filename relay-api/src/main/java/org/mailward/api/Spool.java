package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The durable, encrypted message store (the queue, in Postfix terms).
 *
 * <p>Acceptance: {@link #begin} opens a writer, the inbound server streams the
 * body into it, and {@link MessageWriter#commit} completes only once the body,
 * the envelope and every recipient's state are on stable storage. Many commits
 * share one sync (group commit). Only then may the server answer {@code 250}.
 *
 * <p>Delivery: the scheduler {@link #claimDue claims} due recipients, delivers
 * them and {@link #settle settles} each one. A claim is a lease held in memory:
 * after a restart every unsettled recipient is due again.
 */
public interface Spool extends AutoCloseable {

  /** Cheap to call on a hot path: no I/O, no allocation beyond the returned value. */
  SpoolHealth health();

  /**
   * Starts a message. Never blocks.
   *
   * @throws SpoolException.Unavailable when the spool cannot take mail (disk full, failed, closed)
   * @throws SpoolException.Busy when it is too far behind (backpressure)
   */
  MessageWriter begin(MessageId id);

  /** The envelope of a spooled, unfinished message. */
  Optional<Envelope> envelope(MessageId id);

  /** The decrypted body of a spooled, unfinished message. */
  Optional<BodySource> body(MessageId id);

  /**
   * Leases up to {@code limit} recipients whose next attempt is due at or before
   * {@code now}, oldest due first. A leased recipient is not returned again until
   * it is settled or the process restarts.
   */
  List<DueRecipient> claimDue(Instant now, int limit);

  /**
   * As {@link #claimDue(Instant, int)}, choosing which end of the due index to
   * lease from, so that a scheduler can let fresh and deferred mail take turns
   * (Postfix's incoming/deferred alternation). The default ignores {@code order}
   * and leases oldest due first; spools that can read their due index backwards
   * should override it.
   */
  default List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    return claimDue(now, limit);
  }

  /** Which due recipients a claim leases first. */
  enum ClaimOrder { OLDEST_DUE_FIRST, NEWEST_DUE_FIRST }

  /**
   * Records outcomes durably (group-committed). A message whose recipients are
   * all final is finished: its data key is destroyed and its space reclaimed.
   */
  CompletionStage<Void> settle(List<Settlement> settlements);

  /** Counts by recipient state, for health, metrics and the admin API. */
  SpoolStats stats();

  @Override
  void close();

  /** One recipient's outcome to record. */
  record Settlement(RecipientRef ref, RecipientOutcome outcome) {}

  /** A due recipient, with what the scheduler needs to group it without reading the envelope. */
  record DueRecipient(RecipientRef ref, String domain, Instant due, int attempts) {}

  /** @param active recipients not yet final */
  record SpoolStats(long messages, long active, long deferred, long delivered, long bounced, long heldInPortal) {}
}
