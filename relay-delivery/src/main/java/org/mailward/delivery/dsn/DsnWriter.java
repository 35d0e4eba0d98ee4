package org.mailward.delivery.dsn;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import org.mailward.api.BodySource;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.TlsFacts;
import org.mailward.delivery.schedule.RetryPolicy;
import org.mailward.delivery.schedule.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes RFC 3464 delivery status notifications and spools them to the envelope
 * sender (null reverse path, purpose TRANSACTIONAL), never for a null-sender
 * message, and only where the recipient's NOTIFY asks (RFC 3461):
 * <ul>
 *   <li>{@code failed} for bounced recipients (NOTIFY=FAILURE, the default);
 *   <li>{@code delayed} once, for the deferral that crosses the delay-warning
 *       time ({@link RetryPolicy#delayWarningDue}; NOTIFY=DELAY, the default);
 *   <li>{@code relayed} for NOTIFY=SUCCESS recipients delivered to a server
 *       without DSN ({@link RelayedNotices}); a DSN server got the request passed on.
 * </ul>
 * One DSN per message, kind and batch. A DSN carries the original's header
 * section only; the whole original only in a failure DSN with RET=FULL and when
 * the original's level was ENCRYPT (a message that policy marked VERIFY or
 * stronger is treated as PHI-bearing). It keeps the original's required level,
 * fallback and REQUIRETLS, since the returned header can carry as much PHI as
 * the original's. If a failure DSN cannot be spooled, the bounce is turned back
 * into a deferral so no notice is lost; a delay or success notice that cannot be
 * spooled is logged and dropped (the delivery itself is not held back for it).
 *
 * <p>{@link #bouncedByOperator} makes the failure DSN for recipients an operator
 * bounced (the admin API's queue bounce, like Postfix's {@code postsuper -b}):
 * the same notice, with status 5.0.0 and the diagnostic
 * {@code X-Mailward; bounced by operator} instead of a remote reply; the caller
 * settles the recipients only once it is spooled.
 */
public final class DsnWriter implements Scheduler.BounceHook {
  private static final Logger log = LoggerFactory.getLogger(DsnWriter.class);
  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private final Spool spool;
  private final Injector injector;
  private final String reportingMta;
  private final RetryPolicy retry;
  private final RelayedNotices relayed;
  private final Clock clock;
  private final RandomGenerator random;

  /** The kinds of notice, with the words each uses. */
  enum Kind {
    FAILED("failed", "5.0.0", "Undelivered Mail Returned to Sender", "could not be delivered to"),
    DELAYED("delayed", "4.0.0", "Delayed Mail (still being retried)", "has not yet been delivered to"),
    RELAYED("relayed", "2.0.0", "Successful Mail Delivery Report", "was delivered to the mail server of");

    final String action;
    final String defaultStatus;
    final String subject;
    final String verb;

    Kind(String action, String defaultStatus, String subject, String verb) {
      this.action = action;
      this.defaultStatus = defaultStatus;
      this.subject = subject;
      this.verb = verb;
    }
  }

  private record Key(MessageId message, Kind kind) {}

  /** One recipient's part of a notice: which recipient, and what to say about it. */
  private record Line(int index, Facts facts) {
    static List<Line> of(List<Spool.Settlement> about) {
      return about.stream().map(s -> new Line(s.ref().index(), Facts.of(s.outcome()))).toList();
    }
  }

  /** The words of an operator's bounce (RFC 3464 diagnostic text; no address, no reply of a remote server). */
  public static final String OPERATOR_DIAGNOSTIC = "bounced by operator";

  public DsnWriter(Spool spool, Injector injector, String reportingMta, RetryPolicy retry, RelayedNotices relayed, Clock clock,
      RandomGenerator random) {
    this.spool = spool;
    this.injector = injector;
    this.reportingMta = reportingMta;
    this.retry = retry;
    this.relayed = relayed;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public CompletionStage<List<Spool.Settlement>> beforeSettle(List<Spool.Settlement> settlements, Map<MessageId, Envelope> envelopes,
      Map<RecipientRef, Instant> dueAt) {
    Instant now = clock.instant();
    Map<Key, List<Spool.Settlement>> notices = new LinkedHashMap<>();
    for (Spool.Settlement s : settlements) {
      boolean owed = s.outcome() instanceof RecipientOutcome.Delivered && relayed.take(s.ref());
      Envelope env = envelopes.get(s.ref().messageId());
      if (env == null || env.reversePath().isEmpty()) {
        continue;
      }
      Recipient r = env.recipients().get(s.ref().index());
      Kind kind = null;
      if (s.outcome() instanceof RecipientOutcome.Bounced && r.wants(Recipient.Notify.FAILURE)) {
        kind = Kind.FAILED;
      } else if (s.outcome() instanceof RecipientOutcome.Deferred && r.wants(Recipient.Notify.DELAY)
          && retry.delayWarningDue(dueAt.getOrDefault(s.ref(), Instant.MAX), now, env.receivedAt())) {
        kind = Kind.DELAYED;
      } else if (owed && r.wants(Recipient.Notify.SUCCESS)) {
        kind = Kind.RELAYED;
      }
      if (kind != null) {
        notices.computeIfAbsent(new Key(s.ref().messageId(), kind), k -> new ArrayList<>()).add(s);
      }
    }
    if (notices.isEmpty()) {
      return CompletableFuture.completedFuture(settlements);
    }
    List<Spool.Settlement> failed = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (var e : notices.entrySet()) {
      Envelope env = envelopes.get(e.getKey().message());
      Optional<BodySource> body = spool.body(e.getKey().message());
      all.add(send(env, e.getKey().kind(), Line.of(e.getValue()), body).toCompletableFuture().exceptionally(ex -> {
        if (e.getKey().kind() == Kind.FAILED) {
          failed.addAll(e.getValue());
        } else {
          log.warn("{} DSN for message {} not spooled: {}", e.getKey().kind().action, env.id(), ex.toString());
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
      if (failed.isEmpty()) {
        return settlements;
      }
      List<Spool.Settlement> out = new ArrayList<>();
      for (Spool.Settlement s : settlements) {
        if (failed.contains(s)) {
          Envelope env = envelopes.get(s.ref().messageId());
          out.add(new Spool.Settlement(s.ref(), new RecipientOutcome.Deferred(
              org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.LOCAL_ERROR, "dsn-not-spooled"), Optional.empty(), Optional.empty(),
              retry.next(now, 1, env.receivedAt()))));
        } else {
          out.add(s);
        }
      }
      return out;
    });
  }

  /**
   * Spools the failure DSN for recipients of {@code original} that an operator bounced and
   * that asked for failure notices (NOTIFY=FAILURE, the default). The stage completes with the
   * DSN's id once it is durable, or empty when none is owed (null reverse path, or every
   * recipient said NOTIFY=NEVER or not FAILURE); it fails when the DSN could not be spooled.
   * Reads the original's header from the spool, so call it before the recipients are settled.
   */
  public CompletionStage<Optional<MessageId>> bouncedByOperator(Envelope original, List<Integer> recipientIndexes) {
    if (original.reversePath().isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    List<Line> lines = recipientIndexes.stream().sorted().distinct()
        .filter(i -> i >= 0 && i < original.recipients().size() && original.recipients().get(i).wants(Recipient.Notify.FAILURE))
        .map(i -> new Line(i, Facts.OPERATOR)).toList();
    if (lines.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    MessageId dsn = MessageId.generate(clock.millis(), random);
    return send(dsn, original, Kind.FAILED, lines, spool.body(original.id())).thenApply(v -> Optional.of(dsn));
  }

  private CompletionStage<Void> send(Envelope original, Kind kind, List<Line> about, Optional<BodySource> body) {
    return send(MessageId.generate(clock.millis(), random), original, kind, about, body);
  }

  private CompletionStage<Void> send(MessageId id, Envelope original, Kind kind, List<Line> about, Optional<BodySource> body) {
    EmailAddress sender = original.reversePath().orElseThrow();
    MailParameters params = new MailParameters(0, MailParameters.BodyType.EIGHT_BIT_MIME, sender.isInternational(),
        original.parameters().requireTls(), Optional.empty(), Optional.empty());
    Envelope dsn = new Envelope(id, original.tenant(), Optional.empty(), params,
        List.of(new Recipient(sender, Set.of(Recipient.Notify.NEVER), Optional.empty())), Purpose.TRANSACTIONAL,
        original.requiredLevel(), original.fallback(), List.of(), false, clock.instant(), "dsn:" + original.id());
    boolean full = kind == Kind.FAILED
        && original.parameters().ret().orElse(MailParameters.DsnReturn.HDRS) == MailParameters.DsnReturn.FULL
        && original.requiredLevel() == SecurityLevel.ENCRYPT;
    String boundary = "mw-" + HexFormat.of().formatHex(dsn.id().toBytes());
    String head = head(original, dsn, sender, kind, about, boundary, full, body.isPresent());
    String tail = "\r\n--" + boundary + "--\r\n";
    return injector.inject(dsn, () -> {
      InputStream original1 = body.isPresent()
          ? (full ? body.get().open() : new HeaderOnlyInputStream(body.get().open()))
          : InputStream.nullInputStream();
      return new SequenceInputStream(new SequenceInputStream(ascii(head), original1), ascii(tail));
    });
  }

  private String head(Envelope original, Envelope dsn, EmailAddress sender, Kind kind, List<Line> about,
      String boundary, boolean full, boolean haveBody) {
    StringBuilder sb = new StringBuilder(1024);
    sb.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
    sb.append("To: <").append(sender.asString()).append(">\r\n");
    sb.append("Subject: ").append(kind.subject).append("\r\n");
    sb.append("Date: ").append(DATE.format(clock.instant())).append("\r\n");
    sb.append("Message-ID: <").append(dsn.id()).append('@').append(reportingMta).append(">\r\n");
    sb.append("Auto-Submitted: auto-replied\r\n");
    sb.append("MIME-Version: 1.0\r\n");
    sb.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
    sb.append("\r\n");
    sb.append("--").append(boundary).append("\r\n");
    sb.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    sb.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n");
    sb.append("Your message ").append(original.id()).append(' ').append(kind.verb).append(' ').append(about.size())
        .append(about.size() == 1 ? " recipient" : " recipients").append(".\r\n");
    if (about.stream().anyMatch(l -> l.facts().local().isPresent())) {
      sb.append("The mail system's operator returned it without delivering it.\r\n");
    }
    if (kind == Kind.DELAYED) {
      sb.append("Delivery will be retried until ").append(DATE.format(retry.expiry(original.receivedAt())))
          .append("; you need not send it again.\r\n");
    }
    sb.append("The delivery status report below says more, per recipient.\r\n\r\n");
    sb.append("--").append(boundary).append("\r\n");
    sb.append("Content-Type: message/delivery-status\r\n\r\n");
    sb.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
    original.parameters().envelopeId().ifPresent(id -> sb.append("Original-Envelope-Id: ").append(id).append("\r\n"));
    sb.append("Arrival-Date: ").append(DATE.format(original.receivedAt())).append("\r\n");
    for (Line line : about) {
      Recipient r = original.recipients().get(line.index());
      Facts f = line.facts();
      sb.append("\r\n");
      r.originalRecipient().ifPresent(o -> sb.append("Original-Recipient: ").append(orcpt(o)).append("\r\n"));
      sb.append("Final-Recipient: rfc822; ").append(r.address().asString()).append("\r\n");
      sb.append("Action: ").append(kind.action).append("\r\n");
      sb.append("Status: ").append(f.reply().map(SmtpReply::status).orElse(kind.defaultStatus)).append("\r\n");
      f.tls().ifPresent(t -> sb.append("Remote-MTA: dns; ").append(t.mxHost()).append("\r\n"));
      f.reply().ifPresent(x -> sb.append("Diagnostic-Code: smtp; ").append(x.code()).append(' ').append(x.status()).append(' ')
          .append(String.join(" ", x.lines()).replaceAll("[\\r\\n]", " ")).append("\r\n"));
      f.local().ifPresent(d -> sb.append("Diagnostic-Code: X-Mailward; ").append(d).append("\r\n"));
      sb.append("Last-Attempt-Date: ").append(DATE.format(clock.instant())).append("\r\n");
      if (kind == Kind.DELAYED) {
        sb.append("Will-Retry-Until: ").append(DATE.format(retry.expiry(original.receivedAt()))).append("\r\n");
      }
    }
    sb.append("\r\n--").append(boundary).append("\r\n");
    sb.append("Content-Type: ").append(full ? "message/rfc822" : "text/rfc822-headers").append("\r\n\r\n");
    if (!haveBody) {
      sb.append("(original no longer available)\r\n");
    }
    return sb.toString();
  }

  /** The reply and TLS facts an outcome carries, whatever its kind; {@code local}: Mailward's own diagnostic, without a reply. */
  private record Facts(Optional<SmtpReply> reply, Optional<TlsFacts> tls, Optional<String> local) {
    static final Facts OPERATOR = new Facts(Optional.empty(), Optional.empty(), Optional.of(OPERATOR_DIAGNOSTIC));

    static Facts of(RecipientOutcome o) {
      if (o instanceof RecipientOutcome.Bounced b) {
        return new Facts(b.reply(), b.tls(), Optional.empty());
      }
      if (o instanceof RecipientOutcome.Deferred d) {
        return new Facts(d.reply(), d.tls(), Optional.empty());
      }
      if (o instanceof RecipientOutcome.Delivered d) {
        return new Facts(Optional.of(d.reply()), Optional.of(d.tls()), Optional.empty());
      }
      return new Facts(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /** {@code rfc822;xtext} as given in ORCPT, xtext decoded. */
  static String orcpt(String value) {
    int semi = value.indexOf(';');
    if (semi < 0) {
      return value;
    }
    String type = value.substring(0, semi).trim();
    String x = value.substring(semi + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < x.length(); i++) {
      char c = x.charAt(i);
      if (c == '+' && i + 2 < x.length()) {
        try {
          sb.append((char) Integer.parseInt(x.substring(i + 1, i + 3), 16));
          i += 2;
          continue;
        } catch (NumberFormatException e) {
          // not xtext: keep as is
        }
      }
      sb.append(c);
    }
    return type + "; " + sb;
  }

  private static InputStream ascii(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
