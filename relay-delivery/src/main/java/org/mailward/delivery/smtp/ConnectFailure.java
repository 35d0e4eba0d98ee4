package org.mailward.delivery.smtp;

import java.io.IOException;
import java.util.Optional;
import org.mailward.api.SmtpReply;

/**
 * Why a connection could not be made ready for mail: the reason for the audit
 * record, the peer's reply if it sent one, and whether the failure was about TLS
 * (no STARTTLS, refused, handshake failed), which makes it count toward the
 * recipient's TLS fallback rather than an ordinary retry.
 */
public final class ConnectFailure extends IOException {
  private final String reason;
  private final transient Optional<SmtpReply> reply;
  private final boolean tls;
  private final transient Optional<SmtpConnection.TlsSession> session;

  public ConnectFailure(String reason, Optional<SmtpReply> reply, boolean tls, Optional<SmtpConnection.TlsSession> session) {
    super(reason);
    this.reason = reason;
    this.reply = reply;
    this.tls = tls;
    this.session = session;
  }

  public String reason() {
    return reason;
  }

  public Optional<SmtpReply> reply() {
    return reply;
  }

  public boolean tls() {
    return tls;
  }

  public Optional<SmtpConnection.TlsSession> session() {
    return session;
  }
}
