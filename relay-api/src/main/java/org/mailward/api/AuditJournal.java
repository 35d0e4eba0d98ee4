package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Append-only, hash-chained record of what happened to every message. Appends
 * never block and become durable with the next group sync of the spool.
 */
public interface AuditJournal {
  /** Records {@code event}; throws an unchecked exception when it cannot be taken. */
  void append(AuditEvent event);

  /**
   * Records {@code event} like {@link #append}, and completes once the record is durable
   * ({@code true}) or known to be lost ({@code false}; counted and shown by {@link #health()}
   * like any lost record). For records a reply must not outrun: {@code message.accepted} before
   * the {@code 250}, an operator's action before the API answers, so that a crash after the
   * reply never leaves the act without its record. Never completes exceptionally. The default
   * is for journals that write synchronously: append, then complete at once.
   */
  default CompletableFuture<Boolean> appendDurably(AuditEvent event) {
    try {
      append(event);
      return CompletableFuture.completedFuture(true);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(false);
    }
  }

  /**
   * Whether appends are being recorded; no I/O. An implementation that writes
   * later (in a group sync) reports {@code FAILING} from the first write that
   * failed until one succeeds again. The default is for journals that report
   * failure only by throwing from {@link #append}.
   */
  default AuditHealth health() {
    return AuditHealth.ok();
  }

  /** Records with {@code from <= at < to}, optionally for one message, in journal order, at most {@code limit}. */
  List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit);

  /** Re-computes the chain; the first sequence number where it breaks, if any. */
  Optional<Long> verifyChain();
}
