package org.mailward.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The policy port. Called by the inbound server on its event loop, so no method
 * may block: an implementation answers from memory at once or completes the
 * stage from its own executor. A stage that fails or times out is answered
 * {@code 451 4.3.0} by the caller (fail closed).
 */
public interface PolicyEngine {

  /** Decides one RCPT TO. Pipelined bursts call this many times in a row. */
  CompletionStage<RecipientVerdict> onRecipient(Transaction transaction, Recipient recipient);

  /** Starts inspecting a message body; the caller feeds it as it streams to the spool. */
  MessageInspection inspect(Transaction transaction);

  /** Receives the body (header included, as received, after dot-unstuffing) chunk by chunk. */
  interface MessageInspection {
    /**
     * Feeds the next chunk. Must not block and must not keep a reference to
     * {@code chunk} after returning (copy what is needed).
     */
    void feed(ByteBuffer chunk);

    /** The body is complete; decides for the accepted recipients. */
    CompletionStage<MessageVerdict> finish(List<Recipient> accepted);

    /** The transaction ended without a message (RSET, error, disconnect). */
    void abort();
  }
}
