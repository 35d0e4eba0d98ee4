package org.mailward.delivery.smtp;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.Envelope;
import org.mailward.api.Redactor;
import org.mailward.api.SmtpReply;
import org.mailward.api.TlsFacts;

/**
 * Writes one {@code delivery.attempt} audit event per message per MX host
 * tried: host, address, TLS version and cipher, whether the certificate was
 * verified and why, the required level and which source set it, the reply, and
 * per recipient a keyed token (never the address) with its result. The layout is
 * documented in docs/delivery.md ("Reading a delivery record").
 */
public final class AttemptAudit {
  private final AuditJournal journal;
  private final Redactor redactor;
  private final Clock clock;

  public AttemptAudit(AuditJournal journal, Redactor redactor, Clock clock) {
    this.journal = journal;
    this.redactor = redactor;
    this.clock = clock;
  }

  /** One recipient's line in the record. */
  public record RcptResult(int index, String result, Optional<SmtpReply> reply) {}

  public void attempt(Envelope env, String mxHost, Optional<InetSocketAddress> address, Optional<TlsFacts> tls, int attempt,
      String outcome, String reason, List<RcptResult> rcpts) {
    Map<String, String> f = new TreeMap<>();
    f.put("mx", mxHost);
    address.ifPresent(a -> f.put("ip", a.getAddress().getHostAddress() + ":" + a.getPort()));
    f.put("attempt", Integer.toString(attempt));
    f.put("outcome", outcome);
    f.put("reason", reason);
    f.put("level.envelope", env.requiredLevel().label());
    if (tls.isPresent()) {
      TlsFacts t = tls.get();
      f.put("tls.version", t.tlsVersion().orElse("none"));
      f.put("tls.cipher", t.cipher().orElse("none"));
      f.put("tls.verified", Boolean.toString(t.verified()));
      f.put("tls.verification", t.verification());
      f.put("level.required", t.level().label());
      f.put("policy.source", t.policySource());
    } else {
      f.put("tls.version", "none");
    }
    for (RcptResult r : rcpts) {
      String token = redactor.token(env.recipients().get(r.index()).address());
      f.put("rcpt." + r.index(), token + " " + r.result() + r.reply().map(x -> " " + x.code() + " " + x.status()).orElse(""));
    }
    journal.append(new AuditEvent(clock.instant(), "delivery.attempt", Optional.of(env.id()), Optional.of(env.tenant()), f));
  }

  /**
   * A {@code dane.indeterminate} event: DNSSEC could prove nothing about {@code name} (no DNSSEC support upstream,
   * trust anchor not validated), so DANE was not applied to this message's destination.
   */
  public void daneIndeterminate(Envelope env, String name, String reason) {
    journal.append(new AuditEvent(clock.instant(), "dane.indeterminate", Optional.of(env.id()), Optional.of(env.tenant()),
        Map.of("name", name, "reason", reason)));
  }
}
