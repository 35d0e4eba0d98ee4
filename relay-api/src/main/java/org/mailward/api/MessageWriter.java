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

  /** Discards the message; nothing of it survives a restart. Idempotent. */
  void abort();
}
