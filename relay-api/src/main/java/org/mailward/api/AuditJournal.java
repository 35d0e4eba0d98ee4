package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Append-only, hash-chained record of what happened to every message. Appends
 * never block and become durable with the next group sync of the spool.
 */
public interface AuditJournal {
  void append(AuditEvent event);

  /** Records with {@code from <= at < to}, optionally for one message, in journal order, at most {@code limit}. */
  List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit);

  /** Re-computes the chain; the first sequence number where it breaks, if any. */
  Optional<Long> verifyChain();
}
