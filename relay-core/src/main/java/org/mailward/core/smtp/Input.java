package org.mailward.core.smtp;

import java.util.Optional;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.SmtpReply;
import org.mailward.api.Tenant;

/**
 * What the session state machine reacts to: a line from the client, or the
 * result of an {@link Effect} the handler carried out, or a timer.
 */
public sealed interface Input {
  /** A command line (or AUTH response) without its CRLF. */
  record Line(String text) implements Input {
    @Override
    public String toString() {
      return "Line[" + text.length() + " chars]";
    }
  }

  /** A command line longer than the limit was read and thrown away. */
  record LineTooLong() implements Input {}

  /** Answer to {@link Effect.VerifyCredentials}: the tenant on success, and the reply to send. */
  record AuthDecided(Optional<Tenant> tenant, SmtpReply reply) implements Input {}

  /** Answer to {@link Effect.AdmitMail}: a message id, or the refusal (spool health, rate). */
  record MailDecided(Optional<MessageId> messageId, Optional<SmtpReply> refusal) implements Input {}

  /** Answer to {@link Effect.CheckRecipient}. */
  record RecipientDecided(RecipientVerdict verdict) implements Input {}

  /** Answer to {@link Effect.OpenMessage}: empty on success, else the spool's reply. */
  record MessageOpened(Optional<SmtpReply> failure) implements Input {}

  /** DATA was read up to CRLF.CRLF; {@code failure} if it must be refused. */
  record DataEnded(Optional<SmtpReply> failure) implements Input {}

  /** A BDAT chunk was read in full (or skipped); {@code failure} if writing it failed. */
  record ChunkEnded(Optional<SmtpReply> failure) implements Input {}

  /** Answer to {@link Effect.FinishMessage}: 250 once durable, or the refusal or failure. */
  record MessageFinished(SmtpReply reply) implements Input {}

  /** Graceful shutdown: close when idle, after the transaction in progress. */
  record Shutdown() implements Input {}

  /** No input for too long. */
  record IdleTimeout() implements Input {}
}
