package org.mailward.delivery.smtp;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.DeliveryFailure.Kind;

/**
 * Turns the exception that ended an attempt into a {@link DeliveryFailure}:
 * the body could not be read (spool, decryption, DKIM) is told apart from the
 * wire failing (peer closed, write timed out) and from replies that make no
 * sense, so that no failure is reported as a generic "connection lost". The
 * detail is the exception's class name, never its message (which may quote a peer).
 */
final class Failures {
  private Failures() {}

  /** Reading or preparing the spooled message failed; the wire was fine. */
  static final class BodyReadFailure extends IOException {
    BodyReadFailure(Throwable cause) {
      super("reading the message failed: " + cause.getClass().getSimpleName(), cause);
    }
  }

  /** The channel failed under a body write: closed by the peer, or the DATA deadline passed. */
  static final class WireFailure extends IOException {
    private final boolean timeout;

    WireFailure(String message, boolean timeout) {
      super(message);
      this.timeout = timeout;
    }

    boolean timeout() {
      return timeout;
    }
  }

  /** The peer broke the protocol (a reply out of turn, bytes left over from before STARTTLS). */
  static final class ProtocolFailure extends IOException {
    ProtocolFailure(String message) {
      super(message);
    }
  }

  static Throwable cause(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static String detail(Throwable e) {
    Throwable c = cause(e);
    return c instanceof BodyReadFailure && c.getCause() != null ? c.getCause().getClass().getSimpleName() : c.getClass().getSimpleName();
  }

  static DeliveryFailure classify(Throwable e) {
    Throwable c = cause(e);
    if (c instanceof ConnectFailure cf) {
      return cf.failure();
    }
    if (c instanceof BodyReadFailure) {
      return DeliveryFailure.of(Kind.BODY_READ_FAILED, detail(c));
    }
    if (c instanceof WireFailure w) {
      return DeliveryFailure.of(w.timeout() ? Kind.TIMEOUT : Kind.CONNECTION_LOST, w.timeout() ? "data" : "during-data");
    }
    if (c instanceof TimeoutException) {
      return DeliveryFailure.of(Kind.TIMEOUT, "reply");
    }
    if (c instanceof ProtocolFailure || c instanceof io.netty.handler.codec.DecoderException) {
      return DeliveryFailure.of(Kind.PROTOCOL_ERROR, detail(c));
    }
    if (c instanceof SSLException || c instanceof IOException) {
      return DeliveryFailure.of(Kind.CONNECTION_LOST, detail(c));
    }
    return DeliveryFailure.of(Kind.LOCAL_ERROR, detail(c));
  }
}
