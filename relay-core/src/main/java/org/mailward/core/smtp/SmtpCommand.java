package org.mailward.core.smtp;

import java.util.Optional;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.Recipient;
import org.mailward.api.SmtpReply;

/**
 * One parsed SMTP command line. Produced by {@link CommandParser}; carries no
 * session state. A line that names a known verb but has bad arguments becomes
 * {@link Malformed}, so that the session can apply its gates (TLS, AUTH) before
 * answering the syntax error.
 */
public sealed interface SmtpCommand {
  enum Verb { EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, BDAT, RSET, NOOP, QUIT, VRFY, HELP }

  record Ehlo(String domain) implements SmtpCommand {}

  record Helo(String domain) implements SmtpCommand {}

  record StartTls() implements SmtpCommand {}

  /** @param initialResponse base64 as sent ("=" means an empty response), if any */
  record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand {
    @Override
    public String toString() {
      return "Auth[" + mechanism + (initialResponse.isPresent() ? ", <initial response>" : "") + "]";
    }
  }

  /** @param reversePath empty for the null sender {@code <>} */
  record Mail(Optional<EmailAddress> reversePath, MailParameters parameters) implements SmtpCommand {}

  record Rcpt(Recipient recipient) implements SmtpCommand {}

  record Data() implements SmtpCommand {}

  record Bdat(long size, boolean last) implements SmtpCommand {}

  record Rset() implements SmtpCommand {}

  record Noop() implements SmtpCommand {}

  record Quit() implements SmtpCommand {}

  record Vrfy() implements SmtpCommand {}

  record Help() implements SmtpCommand {}

  /** A known verb with arguments that do not parse; {@code reply} says why. */
  record Malformed(Verb verb, SmtpReply reply) implements SmtpCommand {}

  /** A verb Mailward does not know (500 5.5.2). */
  record Unknown() implements SmtpCommand {}
}
