package org.mailward.delivery.smtp;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.Envelope;
import org.mailward.api.SmtpReply;
import org.mailward.api.TlsFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery log: one line per attempt per group of recipients that ended
 * alike, on logger {@code mailward.delivery}, in the manner of Postfix's
 * {@code status=} lines:
 *
 * <pre>
 * msgid=… tenant=… domain=… relay=mx.example[192.0.2.1]:25 delay=2.1 delays=1.5/0.3/0.1/0.2 dsn=2.0.0
 *   status=sent (250 2.0.0 Ok) rcpts=3 attempt=1 tls=TLSv1.3 verified=true
 * </pre>
 *
 * Never an address, subject or content: the reply text is shown with anything
 * shaped like an address replaced by {@code [address]}. A failure inside
 * Mailward (a bug, a body that cannot be read) is logged at WARN, with its
 * stack trace for {@link DeliveryFailure.Kind#LOCAL_ERROR}; every other line is INFO.
 */
public final class AttemptLog {
  static final Logger LOG = LoggerFactory.getLogger("mailward.delivery");
  /** When the phases of an attempt began; absent phases were not reached. */
  public record Timing(Instant received, Instant started, Optional<Instant> connected, Optional<Instant> dataStarted, Instant ended) {}

  /** Final status of the group, as Postfix names it. */
  public enum Status { SENT, DEFERRED, BOUNCED, HELD;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Writes one line. (Outcomes are counted where they settle, by relay-app's MeteredSpool.)
   *
   * @param relay {@code host[ip]:port}, or {@code none} when no server was reached
   * @param error the exception that ended the attempt, if one did (its class name is shown)
   */
  public void line(Envelope env, String domain, String relay, Timing t, Status status, int rcpts, int attempt,
      Optional<SmtpReply> reply, Optional<DeliveryFailure> reason, Optional<TlsFacts> tls, Optional<Throwable> error) {
    StringBuilder sb = new StringBuilder(256)
        .append("msgid=").append(env.id())
        .append(" tenant=").append(env.tenant().value())
        .append(" domain=").append(domain)
        .append(" relay=").append(relay)
        .append(" delay=").append(seconds(t.received(), t.ended()))
        .append(" delays=").append(seconds(t.received(), t.started()))
        .append('/').append(seconds(t.started(), t.connected().orElse(t.ended())))
        .append('/').append(seconds(t.connected().orElse(t.ended()), t.dataStarted().orElse(t.ended())))
        .append('/').append(seconds(t.dataStarted().orElse(t.ended()), t.ended()))
        .append(" dsn=").append(reply.map(SmtpReply::status).orElse(status == Status.BOUNCED ? "5.0.0" : "4.0.0"))
        .append(" status=").append(status.label())
        .append(" (").append(reply.map(SmtpReply::withoutAddresses).orElse(reason.map(DeliveryFailure::label).orElse(""))).append(')');
    reason.filter(r -> status == Status.DEFERRED || status == Status.BOUNCED).ifPresent(r -> sb.append(" reason=").append(r.label()));
    error.ifPresent(e -> sb.append(" error=").append(e.getClass().getSimpleName()));
    sb.append(" rcpts=").append(rcpts).append(" attempt=").append(attempt)
        .append(" tls=").append(tls.flatMap(TlsFacts::tlsVersion).orElse("none"))
        .append(" verified=").append(tls.map(TlsFacts::verified).orElse(false));
    tls.ifPresent(f -> sb.append(" level=").append(f.level().label()).append('(').append(f.policySource()).append(')'));
    DeliveryFailure.Kind kind = reason.map(DeliveryFailure::kind).orElse(null);
    if (kind == DeliveryFailure.Kind.LOCAL_ERROR && error.isPresent()) {
      LOG.warn(sb.toString(), error.get());
    } else if (kind == DeliveryFailure.Kind.LOCAL_ERROR || kind == DeliveryFailure.Kind.BODY_READ_FAILED) {
      LOG.warn(sb.toString());
    } else {
      LOG.info(sb.toString());
    }
  }

  private static String seconds(Instant from, Instant to) {
    long ms = Math.max(0, Duration.between(from, to).toMillis());
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.2f", ms / 1000.0);
  }
}
