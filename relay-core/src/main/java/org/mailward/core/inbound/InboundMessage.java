package org.mailward.core.inbound;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.PolicyEngine.MessageInspection;
import org.mailward.api.SmtpReply;
import org.mailward.api.SpoolException;

/**
 * One message body on its way in: every chunk goes to the spool writer and to
 * the policy inspection, never kept. Going over the size limit, a line over
 * 998 octets or a failing writer stops the writing but not the reading; the problem is reported once
 * the client has sent everything. Used on one event loop only.
 */
final class InboundMessage {
  static final SmtpReply TOO_BIG = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit");
  static final SmtpReply POLICY_FAILED = SmtpReply.of(451, "4.3.0", "Temporary failure, try again later");
  static final SmtpReply LINE_TOO_LONG = SmtpReply.of(550, "5.6.0",
      "Message has a line longer than " + LineLengthLimit.MAX_OCTETS + " octets (RFC 5322 2.1.1); wrap it or use quoted-printable or base64");

  final MessageWriter writer;
  final MessageInspection inspection;
  private final long maxBytes;
  private final MessageId id;
  private final CaughtFailures failures;
  private final LineLengthLimit lines = new LineLengthLimit();
  private long bodyBytes;
  private Optional<SmtpReply> problem = Optional.empty();
  private boolean closed;

  InboundMessage(MessageWriter writer, MessageInspection inspection, long maxBytes, MessageId id, CaughtFailures failures) {
    this.writer = writer;
    this.inspection = inspection;
    this.maxBytes = maxBytes;
    this.id = id;
    this.failures = failures;
  }

  /** The trace header: to the spool only (policy sees the message as the client sent it). */
  void writeHeader(byte[] header) {
    try {
      writer.write(ByteBuffer.wrap(header));
    } catch (SpoolException e) {
      failures.record("spool write", Optional.of(id), e);
      fail(e.reply());
    } catch (RuntimeException e) {
      failures.record("spool write", Optional.of(id), e);
      fail(SmtpReply.of(451, "4.3.0", "Temporary failure, try again later"));
    }
  }

  /** Appends body bytes (after dot-unstuffing). */
  void write(byte[] b, int off, int len) {
    if (problem.isPresent() || len == 0) {
      bodyBytes += len;
      return;
    }
    bodyBytes += len;
    if (bodyBytes > maxBytes) {
      fail(TOO_BIG);
      return;
    }
    lines.feed(b, off, len);
    if (lines.exceeded()) {
      fail(LINE_TOO_LONG); // it would bounce at the next hop: stop spooling, refuse once the client is done
      return;
    }
    try {
      writer.write(ByteBuffer.wrap(b, off, len));
    } catch (SpoolException e) {
      failures.record("spool write", Optional.of(id), e);
      fail(e.reply());
      return;
    } catch (RuntimeException e) {
      failures.record("spool write", Optional.of(id), e);
      fail(SmtpReply.of(451, "4.3.0", "Temporary failure, try again later"));
      return;
    }
    try {
      inspection.feed(ByteBuffer.wrap(b, off, len).asReadOnlyBuffer());
    } catch (RuntimeException e) {
      failures.record("policy inspection", Optional.of(id), e);
      fail(POLICY_FAILED);
    }
  }

  /** Records a refusal found while reading (e.g. bare line endings); the first one wins. */
  void refuse(SmtpReply reply) {
    fail(reply);
  }

  Optional<SmtpReply> problem() {
    return problem;
  }

  long bodyBytes() {
    return bodyBytes;
  }

  private void fail(SmtpReply reply) {
    if (problem.isEmpty()) {
      problem = Optional.of(reply);
      abort();
    }
  }

  /** Discards the message in the spool and in policy. Idempotent. */
  void abort() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.abort();
    } catch (RuntimeException e) {
      failures.record("spool abort", Optional.of(id), e); // nothing of an aborted message survives a restart
    }
    try {
      inspection.abort();
    } catch (RuntimeException e) {
      failures.record("policy inspection abort", Optional.of(id), e);
    }
  }

  /** The body is complete and will be finished (inspection then commit); no abort from now on except on failure. */
  void markFinishing() {
    closed = true;
  }
}
