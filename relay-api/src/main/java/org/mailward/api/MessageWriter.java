package org.mailward.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Streams one message body into the spool. Used from one thread at a time (the
 * session's event loop); no method blocks.
 */
public interface MessageWriter {

  /**
   * Appends a chunk (encrypting it). The writer does not keep {@code chunk}
   * after returning.
   *
   * @throws SpoolException when the spool failed; the message is then aborted
   */
  void write(ByteBuffer chunk);

  /** Bytes written so far. */
  long size();

  /**
   * Makes the message durable with this envelope (its id must match). The stage
   * completes after the group sync that covers it, or fails with a {@link SpoolException}.
   *
   * @param presettled outcomes known already (e.g. recipients policy dropped after DATA),
   *     written in the same atomic batch; every other recipient starts due now
   */
  CompletionStage<Void> commit(Envelope envelope, List<Spool.Settlement> presettled);

  /**
   * {@link #commit}, with {@code record} (the acceptance's audit record) durable too when the
   * stage completes, so that no accepted message is ever without its record. The default commits,
   * then appends the record through {@code journal} and waits for it (a second sync; a lost record
   * is counted by the journal and the stage still completes, because the message is spooled). A
   * spool that keeps the audit journal {@code journal} writes to overrides this and writes both in
   * one group: the record then cannot be lost without the message being refused.
   */
  default CompletionStage<Void> commit(Envelope envelope, List<Spool.Settlement> presettled, AuditEvent record,
      AuditJournal journal) {
    return commit(envelope, presettled).thenCompose(v -> journal.appendDurably(record)).thenApply(durable -> null);
  }

  /** Discards the message; nothing of it survives a restart. Idempotent. */
  void abort();
}
