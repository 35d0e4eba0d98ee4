package org.mailward.core.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Recipient;
import org.mailward.api.SmtpReply;
import org.mailward.api.Tenant;

/**
 * Everything the session state machine knows, as an immutable value. The
 * Netty handler keeps the current one and replaces it with each {@link Step}.
 *
 * @param heloName empty until EHLO/HELO
 * @param tenant the authenticated tenant, if any
 * @param loginUser the user name received so far in an AUTH LOGIN exchange
 * @param tx the open mail transaction, if any
 * @param pending the MAIL or RCPT waiting for its answer
 * @param deferredReply the reply to send once a chunk being skipped has been read
 * @param closing graceful shutdown asked for: close at the next idle moment
 */
public record SessionState(
    Phase phase,
    boolean tls,
    boolean esmtp,
    String heloName,
    Optional<Tenant> tenant,
    Optional<String> loginUser,
    Optional<MailTransaction> tx,
    Optional<SmtpCommand> pending,
    Optional<SmtpReply> deferredReply,
    int errors,
    boolean closing) {

  /** Where the session is. {@code WAIT_*} phases wait for a result and take no command input. */
  public enum Phase {
    IDLE, AUTH_PLAIN, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD,
    WAIT_AUTH, WAIT_MAIL, WAIT_RCPT, WAIT_OPEN, WAIT_FINISH,
    DATA, CHUNK, SKIP_CHUNK, CLOSED
  }

  /** A fresh session on a new connection (or just after STARTTLS). */
  public static SessionState initial(boolean tls) {
    return new SessionState(Phase.IDLE, tls, false, "", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), 0, false);
  }

  /** Whether the handler may feed the next command line. */
  public boolean acceptsLines() {
    return switch (phase) {
      case IDLE, AUTH_PLAIN, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD -> true;
      default -> false;
    };
  }

  SessionState with(Phase p) {
    return new SessionState(p, tls, esmtp, heloName, tenant, loginUser, tx, pending, deferredReply, errors, closing);
  }

  SessionState withHelo(String name, boolean isEsmtp) {
    return new SessionState(Phase.IDLE, tls, isEsmtp, name, tenant, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), errors, closing);
  }

  SessionState withTenant(Optional<Tenant> t) {
    return new SessionState(Phase.IDLE, tls, esmtp, heloName, t, Optional.empty(), tx, pending, deferredReply, errors, closing);
  }

  SessionState withLoginUser(Phase p, Optional<String> user) {
    return new SessionState(p, tls, esmtp, heloName, tenant, user, tx, pending, deferredReply, errors, closing);
  }

  SessionState withTx(Phase p, Optional<MailTransaction> t) {
    return new SessionState(p, tls, esmtp, heloName, tenant, loginUser, t, Optional.empty(), deferredReply, errors, closing);
  }

  SessionState withPending(Phase p, SmtpCommand command) {
    return new SessionState(p, tls, esmtp, heloName, tenant, loginUser, tx, Optional.of(command), deferredReply, errors, closing);
  }

  SessionState withDeferred(Phase p, Optional<SmtpReply> reply) {
    return new SessionState(p, tls, esmtp, heloName, tenant, loginUser, tx, pending, reply, errors, closing);
  }

  SessionState withErrors(int e) {
    return new SessionState(phase, tls, esmtp, heloName, tenant, loginUser, tx, pending, deferredReply, e, closing);
  }

  SessionState asClosing() {
    return new SessionState(phase, tls, esmtp, heloName, tenant, loginUser, tx, pending, deferredReply, errors, true);
  }

  /**
   * An open MAIL transaction.
   *
   * @param messageId assigned when MAIL was admitted
   * @param recipients accepted so far, in order
   * @param opened a message writer is open (DATA started or a BDAT chunk was received)
   * @param chunked BDAT was used (DATA is then refused)
   * @param bodyBytes bytes received through BDAT so far
   * @param maxBytes the effective size limit for this transaction
   */
  public record MailTransaction(
      MessageId messageId,
      Optional<EmailAddress> reversePath,
      MailParameters parameters,
      List<Recipient> recipients,
      boolean opened,
      boolean chunked,
      long bodyBytes,
      long maxBytes,
      int maxRecipients) {

    public MailTransaction {
      recipients = List.copyOf(recipients);
    }

    MailTransaction plus(Recipient r) {
      List<Recipient> l = new ArrayList<>(recipients);
      l.add(r);
      return new MailTransaction(messageId, reversePath, parameters, l, opened, chunked, bodyBytes, maxBytes, maxRecipients);
    }

    MailTransaction openedAs(boolean isChunked) {
      return new MailTransaction(messageId, reversePath, parameters, recipients, true, isChunked, bodyBytes, maxBytes, maxRecipients);
    }

    MailTransaction plusBytes(long n) {
      return new MailTransaction(messageId, reversePath, parameters, recipients, opened, chunked, bodyBytes + n, maxBytes, maxRecipients);
    }
  }
}
