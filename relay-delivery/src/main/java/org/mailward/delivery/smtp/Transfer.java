package org.mailward.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.mailward.api.DeliveryAgent;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageFinisher;
import org.mailward.api.Recipient;
import org.mailward.api.SmtpReply;
import org.mailward.api.TlsFacts;

/**
 * One mail transaction on a ready (TLS) connection: MAIL FROM with the
 * parameters the server offers (SIZE, BODY, SMTPUTF8, REQUIRETLS, RET/ENVID),
 * RCPT TO for each recipient (NOTIFY/ORCPT with DSN), DATA — all pipelined
 * when PIPELINING is offered — then the body streamed and dot-stuffed. Gives the
 * reply that decides each recipient; leaves the connection ready for the next
 * MAIL (RSET after a failed transaction). A 421 means the server is closing
 * (RFC 5321 3.8): it decides every command after it too, even those whose reply
 * was cut off by the close, so that it reaches the caller (and its throttle) as
 * a reply, not as a lost connection. An 8-bit message (BODY=8BITMIME) to a
 * server without 8BITMIME goes out only if its content is 7-bit after all
 * (then without BODY=); otherwise its recipients get 554 5.6.3 and bounce —
 * no MIME conversion (see docs/delivery.md). The caller has already checked TLS.
 */
final class Transfer {
  private final SmtpConnection conn;
  private final DeliveryAgent.Item item;
  private final List<SmtpDeliveryAgent.Rcpt> rcpts;
  private final DeliveryConfigView cfg;
  private final MessageFinisher finisher;
  private final Executor bodyExecutor;
  private final java.time.Clock clock;
  private volatile Optional<java.time.Instant> dataStarted = Optional.empty();

  /** A recipient and the reply that decides it; {@code local} when Mailward made the reply itself (nothing was sent). */
  record Result(SmtpDeliveryAgent.Rcpt rcpt, SmtpReply reply, boolean local) {
    Result(SmtpDeliveryAgent.Rcpt rcpt, SmtpReply reply) {
      this(rcpt, reply, false);
    }
  }

  /** The two settings a transfer needs. */
  record DeliveryConfigView(Duration dataTimeout, int maxRecipients) {}

  Transfer(SmtpConnection conn, DeliveryAgent.Item item, List<SmtpDeliveryAgent.Rcpt> rcpts, TlsFacts tls,
      org.mailward.delivery.DeliveryConfig.Smtp smtp, MessageFinisher finisher, Executor bodyExecutor, java.time.Clock clock) {
    this.conn = conn;
    this.item = item;
    this.rcpts = List.copyOf(rcpts.subList(0, Math.min(rcpts.size(), smtp.maxRecipientsPerTransaction())));
    this.cfg = new DeliveryConfigView(smtp.dataTimeout(), smtp.maxRecipientsPerTransaction());
    this.finisher = finisher;
    this.bodyExecutor = bodyExecutor;
    this.clock = clock;
  }

  /** When the server said go ahead with the body (354), if it did. */
  Optional<java.time.Instant> dataStarted() {
    return dataStarted;
  }

  CompletionStage<List<Result>> run() {
    Envelope env = item.envelope();
    boolean utf8Needed = env.parameters().smtpUtf8() || env.reversePath().map(EmailAddress::isInternational).orElse(false)
        || rcpts.stream().anyMatch(r -> env.recipients().get(r.index).address().isInternational());
    if (utf8Needed && !conn.offers("SMTPUTF8")) {
      return refuseAll(SmtpReply.of(553, "5.6.7", "Receiving server does not support SMTPUTF8"));
    }
    if (env.parameters().body() != MailParameters.BodyType.SEVEN_BIT && !conn.offers("8BITMIME")) {
      return CompletableFuture.supplyAsync(this::hasEightBit, bodyExecutor).thenCompose(eight -> eight
          ? refuseAll(SmtpReply.of(554, "5.6.3", "Conversion required but not supported: 8-bit message, no 8BITMIME"))
          : transaction(env, utf8Needed));
    }
    return transaction(env, utf8Needed);
  }

  private CompletionStage<List<Result>> refuseAll(SmtpReply reply) {
    return CompletableFuture.completedFuture(rcpts.stream().map(r -> new Result(r, reply, true)).toList());
  }

  /** Whether the spooled message has any byte above 127 (read on the body executor; a read error is a BodyReadFailure). */
  private boolean hasEightBit() {
    try (java.io.InputStream in = item.body().open()) {
      byte[] buf = new byte[16 * 1024];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        for (int i = 0; i < n; i++) {
          if (buf[i] < 0) {
            return true;
          }
        }
      }
      return false;
    } catch (java.io.IOException | RuntimeException e) {
      throw new java.util.concurrent.CompletionException(new Failures.BodyReadFailure(e));
    }
  }

  private CompletionStage<List<Result>> transaction(Envelope env, boolean utf8Needed) {
    List<String> lines = new ArrayList<>();
    lines.add(mailFrom(env, utf8Needed));
    for (SmtpDeliveryAgent.Rcpt r : rcpts) {
      lines.add(rcptTo(env.recipients().get(r.index)));
    }
    lines.add("DATA");
    if (conn.offers("PIPELINING")) {
      List<CompletableFuture<SmtpReply>> replies = conn.pipeline(lines);
      return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
          .handle((v, e) -> closingOr(replies, e))
          .thenCompose(this::decide);
    }
    return sequential(lines, 0, new ArrayList<>()).thenCompose(this::decide);
  }

  /** Without PIPELINING: stop after a failed MAIL, and do not send DATA when no RCPT was accepted. */
  private CompletionStage<List<SmtpReply>> sequential(List<String> lines, int i, List<SmtpReply> acc) {
    if (i >= lines.size()) {
      return CompletableFuture.completedFuture(acc);
    }
    boolean isData = i == lines.size() - 1;
    if (i > 0 && !acc.get(0).isPositive()) {
      return CompletableFuture.completedFuture(acc);
    }
    if (isData && acc.stream().skip(1).noneMatch(SmtpReply::isPositive)) {
      return CompletableFuture.completedFuture(acc);
    }
    return conn.command(lines.get(i)).thenCompose(r -> {
      acc.add(r);
      if (r.code() == 421) { // closing: nothing more is sent
        while (acc.size() < lines.size()) {
          acc.add(r);
        }
        return CompletableFuture.completedFuture(acc);
      }
      return sequential(lines, i + 1, acc);
    });
  }

  /**
   * The pipelined replies; where the connection dropped after a 421, the replies it cut off are that 421.
   * Without a 421 first, a lost reply is a lost connection ({@code failure} is rethrown).
   */
  static List<SmtpReply> closingOr(List<CompletableFuture<SmtpReply>> replies, Throwable failure) {
    List<SmtpReply> out = new ArrayList<>(replies.size());
    SmtpReply closing = null;
    for (CompletableFuture<SmtpReply> f : replies) {
      if (!f.isCompletedExceptionally() && f.isDone()) {
        SmtpReply r = f.join();
        out.add(closing != null ? closing : r);
        if (r.code() == 421 && closing == null) {
          closing = r;
        }
      } else if (closing != null) {
        out.add(closing);
      } else {
        throw failure instanceof java.util.concurrent.CompletionException ce ? ce
            : new java.util.concurrent.CompletionException(failure);
      }
    }
    return out;
  }

  private CompletionStage<List<Result>> decide(List<SmtpReply> replies) {
    SmtpReply mail = replies.get(0);
    Optional<SmtpReply> data = replies.size() == rcpts.size() + 2 ? Optional.of(replies.get(rcpts.size() + 1)) : Optional.empty();
    List<Result> out = new ArrayList<>();
    List<SmtpDeliveryAgent.Rcpt> accepted = new ArrayList<>();
    for (int i = 0; i < rcpts.size(); i++) {
      SmtpReply r = !mail.isPositive() ? mail : (i + 1 < replies.size() ? replies.get(i + 1) : mail);
      if (r.isPositive()) {
        accepted.add(rcpts.get(i));
      } else {
        out.add(new Result(rcpts.get(i), r));
      }
    }
    boolean go = mail.isPositive() && !accepted.isEmpty() && data.isPresent() && Replies.isGoAhead(data.get());
    if (!go) {
      SmtpReply why = data.filter(d -> !Replies.isGoAhead(d)).orElse(mail);
      accepted.forEach(r -> out.add(new Result(r, why)));
      if (replies.stream().anyMatch(r -> r.code() == 421)) {
        conn.close(); // the server is closing the channel: no RSET
        return CompletableFuture.completedFuture(out);
      }
      CompletionStage<SmtpReply> cleanup = data.isPresent() && Replies.isGoAhead(data.get()) ? conn.sendEmptyBody()
          : CompletableFuture.completedFuture(null);
      return cleanup.thenCompose(x -> conn.command("RSET")).handle((x, e) -> out);
    }
    dataStarted = Optional.of(clock.instant());
    return conn.sendBody(() -> finisher.prepare(item.envelope(), item.body()), bodyExecutor, cfg.dataTimeout()).thenApply(fin -> {
      conn.countMessage();
      accepted.forEach(r -> out.add(new Result(r, fin)));
      return out;
    });
  }

  private String mailFrom(Envelope env, boolean utf8) {
    StringBuilder sb = new StringBuilder("MAIL FROM:<").append(env.reversePath().map(EmailAddress::asString).orElse("")).append('>');
    MailParameters p = env.parameters();
    if (conn.offers("SIZE")) {
      sb.append(" SIZE=").append(item.body().size());
    }
    if (p.body() == MailParameters.BodyType.EIGHT_BIT_MIME && conn.offers("8BITMIME")) {
      sb.append(" BODY=8BITMIME");
    }
    if (utf8) {
      sb.append(" SMTPUTF8");
    }
    if (p.requireTls()) {
      sb.append(" REQUIRETLS");
    }
    if (conn.offers("DSN")) {
      p.ret().ifPresent(r -> sb.append(" RET=").append(r.name()));
      p.envelopeId().ifPresent(id -> sb.append(" ENVID=").append(xtext(id)));
    }
    return sb.toString();
  }

  private String rcptTo(Recipient r) {
    StringBuilder sb = new StringBuilder("RCPT TO:<").append(r.address().asString()).append('>');
    if (conn.offers("DSN")) {
      if (!r.notifyOn().isEmpty()) {
        sb.append(" NOTIFY=").append(String.join(",", r.notifyOn().stream().map(Enum::name).sorted().toList()));
      }
      r.originalRecipient().ifPresent(o -> sb.append(" ORCPT=").append(o));
    }
    return sb.toString();
  }

  /** RFC 3461 xtext: '+', '=' and characters outside 33..126 as {@code +HH}. */
  static String xtext(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 33 || c > 126 || c == '+' || c == '=') {
        sb.append('+').append(String.format("%02X", c));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
