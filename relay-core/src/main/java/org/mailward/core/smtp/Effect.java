package org.mailward.core.smtp;

import java.util.List;
import java.util.Optional;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Recipient;
import org.mailward.api.Tenant;

/**
 * What the session asks the handler to do, in order. Effects that wait for a
 * result put the session in a {@code WAIT_*} phase; the handler answers with
 * the matching {@link Input}.
 */
public sealed interface Effect {
  record Send(Response response) implements Effect {}

  /** Drop any buffered plaintext input, then start the TLS handshake (after the 220 was written). */
  record StartTls() implements Effect {}

  /** Flush and close the connection. */
  record Close() implements Effect {}

  /** Check a user name and password off the event loop; answer {@link Input.AuthDecided}. */
  record VerifyCredentials(String username, char[] password) implements Effect {
    @Override
    public String toString() {
      return "VerifyCredentials[redacted]";
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** Spool health and the tenant's message rate; answer {@link Input.MailDecided}. */
  record AdmitMail(Tenant tenant, Optional<EmailAddress> reversePath, MailParameters parameters) implements Effect {}

  /** Ask policy about one recipient; answer {@link Input.RecipientDecided}. */
  record CheckRecipient(MessageId messageId, Recipient recipient) implements Effect {}

  /** Open the spool writer and the policy inspection; answer {@link Input.MessageOpened}. */
  record OpenMessage(MessageId messageId) implements Effect {}

  /** Read DATA up to CRLF.CRLF, at most {@code maxBytes} kept; answer {@link Input.DataEnded}. */
  record ReceiveData(long maxBytes) implements Effect {}

  /** Read exactly {@code size} bytes; write them to the message unless {@code discard}; answer {@link Input.ChunkEnded}. */
  record ReceiveChunk(long size, boolean discard) implements Effect {}

  /** Inspect, build the envelope and commit; answer {@link Input.MessageFinished}. */
  record FinishMessage(SessionState.MailTransaction transaction, List<Recipient> accepted) implements Effect {}

  /** Abort the open writer and inspection, if any. Idempotent. */
  record AbortMessage() implements Effect {}
}
