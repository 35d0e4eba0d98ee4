package org.mailward.delivery.smtp;

import java.io.IOException;
import java.util.Optional;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.SmtpReply;

/**
 * Why a connection could not be made ready for mail: the typed reason for the
 * audit record and the log (its detail names the step), the peer's reply if it sent one, and whether the failure was about TLS
 * (no STARTTLS, refused, handshake failed), which makes it count toward the
 * recipient's TLS fallback rather than an ordinary retry.
 */
public final class ConnectFailure extends IOException {
  private final DeliveryFailure failure;
  private final transient Optional<SmtpReply> reply;
  private final boolean tls;
  private final transient Optional<SmtpConnection.TlsSession> session;

  public ConnectFailure(DeliveryFailure failure, Optional<SmtpReply> reply, boolean tls, Optional<SmtpConnection.TlsSession> session) {
    super(failure.label());
    this.failure = failure;
    this.reply = reply;
    this.tls = tls;
    this.session = session;
  }

  public DeliveryFailure failure() {
    return failure;
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
