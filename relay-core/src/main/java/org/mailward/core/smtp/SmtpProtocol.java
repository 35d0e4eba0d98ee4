package org.mailward.core.smtp;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.mailward.api.MailParameters.BodyType;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.SmtpReply;
import org.mailward.api.Tenant;
import org.mailward.core.smtp.SessionState.MailTransaction;
import org.mailward.core.smtp.SessionState.Phase;

/**
 * The ESMTP session as a pure function: {@code (state, input) -> (state, effects)}.
 * No Netty, no I/O, no clock, no randomness: whatever needs the world (AUTH
 * checks, spool, policy) is an {@link Effect} whose result comes back as an
 * {@link Input}. That keeps it fuzzable and keeps reply order exact under
 * pipelining: while a {@code WAIT_*} phase lasts the handler feeds no lines.
 *
 * <p>Gates, in order, for MAIL: EHLO first, TLS, AUTH, no nested transaction,
 * syntax, sender domain (none for the null sender), declared size, body type, then
 * admission (spool, audit journal, message rate, null-sender rate) by the handler. The machine never relays for an unauthenticated session.
 */
public final class SmtpProtocol {
  private static final String USERNAME_PROMPT = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
  private static final String PASSWORD_PROMPT = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));
  private static final int MAX_AUTH_FIELD = 512;

  static final SmtpReply BAD_SEQUENCE = SmtpReply.of(503, "5.5.1", "Bad sequence of commands");
  static final SmtpReply NEED_TLS = SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first");
  static final SmtpReply NEED_AUTH = SmtpReply.of(530, "5.7.0", "Authentication required");
  static final SmtpReply TOO_BIG = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit");
  static final SmtpReply BINARY_REFUSED = SmtpReply.of(555, "5.5.4",
      "BODY=BINARYMIME not supported; send 8BITMIME or 7BIT content with lines of at most 998 octets");
  static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, "4.3.2", "Service shutting down");

  private final ProtocolSettings settings;

  public SmtpProtocol(ProtocolSettings settings) {
    this.settings = settings;
  }

  /** The greeting for a new session (for implicit TLS: once the handshake is done). */
  public Response greeting() {
    return Response.plain(220, List.of(settings.hostname() + " ESMTP Mailward"));
  }

  public Step on(SessionState s, Input input) {
    if (s.phase() == Phase.CLOSED) {
      return new Step(s, List.of());
    }
    if (input instanceof Input.Line l) {
      return line(s, l.text());
    } else if (input instanceof Input.LineTooLong) {
      return s.acceptsLines()
          ? error(s.withLoginUser(Phase.IDLE, Optional.empty()), SmtpReply.of(500, "5.5.6", "Line too long"))
          : unexpected(s);
    } else if (input instanceof Input.AuthDecided a) {
      return authDecided(s, a);
    } else if (input instanceof Input.MailDecided m) {
      return mailDecided(s, m);
    } else if (input instanceof Input.RecipientDecided r) {
      return recipientDecided(s, r.verdict());
    } else if (input instanceof Input.MessageOpened o) {
      return messageOpened(s, o);
    } else if (input instanceof Input.DataEnded d) {
      return dataEnded(s, d);
    } else if (input instanceof Input.ChunkEnded c) {
      return chunkEnded(s, c);
    } else if (input instanceof Input.MessageFinished f) {
      return messageFinished(s, f.reply());
    } else if (input instanceof Input.Shutdown) {
      return shutdown(s);
    } else {
      return close(s, SmtpReply.of(421, "4.4.2", settings.hostname() + " Timeout, closing connection"));
    }
  }

  // ---- lines -------------------------------------------------------------------------------

  private Step line(SessionState s, String text) {
    switch (s.phase()) {
      case AUTH_PLAIN:
        return authPlainResponse(s, text);
      case AUTH_LOGIN_USER:
      case AUTH_LOGIN_PASSWORD:
        return authLoginResponse(s, text);
      case IDLE:
        break;
      default:
        return unexpected(s);
    }
    if (s.closing() && s.tx().isEmpty()) {
      return close(s, SHUTTING_DOWN);
    }
    SmtpCommand cmd = CommandParser.parse(text);
    if (cmd instanceof SmtpCommand.Ehlo e) {
      return helo(s, e.domain(), true);
    } else if (cmd instanceof SmtpCommand.Helo h) {
      return helo(s, h.domain(), false);
    } else if (cmd instanceof SmtpCommand.StartTls) {
      return startTls(s);
    } else if (cmd instanceof SmtpCommand.Auth a) {
      return auth(s, a);
    } else if (cmd instanceof SmtpCommand.Mail m) {
      return mail(s, m);
    } else if (cmd instanceof SmtpCommand.Rcpt r) {
      return rcpt(s, r);
    } else if (cmd instanceof SmtpCommand.Data) {
      return data(s);
    } else if (cmd instanceof SmtpCommand.Bdat b) {
      return bdat(s, b);
    } else if (cmd instanceof SmtpCommand.Rset) {
      return resetTx(s, reply(SmtpReply.of(250, "2.0.0", "Ok")));
    } else if (cmd instanceof SmtpCommand.Noop) {
      return ok(s, SmtpReply.of(250, "2.0.0", "Ok"));
    } else if (cmd instanceof SmtpCommand.Quit) {
      List<Effect> fx = new ArrayList<>();
      if (s.tx().map(MailTransaction::opened).orElse(false)) {
        fx.add(new Effect.AbortMessage());
      }
      fx.add(reply(SmtpReply.of(221, "2.0.0", "Bye")));
      fx.add(new Effect.Close());
      return new Step(s.withTx(Phase.CLOSED, Optional.empty()), fx);
    } else if (cmd instanceof SmtpCommand.Vrfy) {
      return ok(s, SmtpReply.of(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"));
    } else if (cmd instanceof SmtpCommand.Help) {
      return ok(s, SmtpReply.of(214, "2.0.0", "See RFC 5321"));
    } else if (cmd instanceof SmtpCommand.Malformed m) {
      return malformed(s, m);
    } else {
      return error(s, SmtpReply.of(500, "5.5.2", "Command unrecognized"));
    }
  }

  private Step malformed(SessionState s, SmtpCommand.Malformed m) {
    Optional<SmtpReply> gate = switch (m.verb()) {
      case AUTH -> authGate(s);
      case MAIL -> mailGate(s);
      case RCPT -> s.tx().isEmpty() ? Optional.of(BAD_SEQUENCE) : Optional.empty();
      default -> Optional.empty();
    };
    if (m.verb() == SmtpCommand.Verb.BDAT && s.tx().map(MailTransaction::opened).orElse(false)) {
      // A chunk we cannot size: the transaction cannot continue.
      return error(resetTx(s, null).state(), m.reply(), new Effect.AbortMessage());
    }
    return error(s, gate.orElse(m.reply()));
  }

  private Step helo(SessionState s, String domain, boolean esmtp) {
    List<Effect> fx = new ArrayList<>();
    if (s.tx().map(MailTransaction::opened).orElse(false)) {
      fx.add(new Effect.AbortMessage());
    }
    if (!esmtp) {
      fx.add(new Effect.Send(Response.plain(250, List.of(settings.hostname()))));
      return new Step(s.withHelo(domain, false), fx);
    }
    List<String> lines = new ArrayList<>();
    lines.add(settings.hostname());
    lines.add("PIPELINING");
    lines.add("SIZE " + effectiveMaxBytes(s.tenant()));
    lines.add("8BITMIME");
    lines.add("SMTPUTF8");
    lines.add("ENHANCEDSTATUSCODES");
    lines.add("CHUNKING"); // not BINARYMIME: delivery goes out by DATA, where binary content and long lines cannot pass
    lines.add("DSN");
    if (s.tls()) {
      if (s.tenant().isEmpty()) {
        lines.add("AUTH PLAIN LOGIN");
      }
      lines.add("REQUIRETLS");
    } else {
      lines.add("STARTTLS");
    }
    fx.add(new Effect.Send(Response.plain(250, lines)));
    return new Step(s.withHelo(domain, true), fx);
  }

  private Step startTls(SessionState s) {
    if (s.tls()) {
      return error(s, SmtpReply.of(503, "5.5.1", "TLS already active"));
    }
    List<Effect> fx = new ArrayList<>();
    if (s.tx().map(MailTransaction::opened).orElse(false)) {
      fx.add(new Effect.AbortMessage());
    }
    fx.add(reply(SmtpReply.of(220, "2.0.0", "Ready to start TLS")));
    fx.add(new Effect.StartTls());
    SessionState fresh = SessionState.initial(true).withErrors(s.errors());
    return new Step(s.closing() ? fresh.asClosing() : fresh, fx);
  }

  // ---- AUTH --------------------------------------------------------------------------------

  private Optional<SmtpReply> authGate(SessionState s) {
    if (s.heloName().isEmpty() || !s.esmtp()) {
      return Optional.of(SmtpReply.of(503, "5.5.1", "Send EHLO first"));
    }
    if (!s.tls()) {
      return Optional.of(NEED_TLS);
    }
    if (s.tenant().isPresent()) {
      return Optional.of(SmtpReply.of(503, "5.5.1", "Already authenticated"));
    }
    if (s.tx().isPresent()) {
      return Optional.of(SmtpReply.of(503, "5.5.1", "AUTH not allowed during a mail transaction"));
    }
    return Optional.empty();
  }

  private Step auth(SessionState s, SmtpCommand.Auth a) {
    Optional<SmtpReply> gate = authGate(s);
    if (gate.isPresent()) {
      return error(s, gate.get());
    }
    switch (a.mechanism()) {
      case "PLAIN":
        if (a.initialResponse().isEmpty()) {
          return new Step(s.with(Phase.AUTH_PLAIN), List.of(new Effect.Send(Response.plain(334, List.of("")))));
        }
        return authPlainResponse(s.with(Phase.AUTH_PLAIN), a.initialResponse().get());
      case "LOGIN":
        if (a.initialResponse().isEmpty()) {
          return new Step(s.withLoginUser(Phase.AUTH_LOGIN_USER, Optional.empty()),
              List.of(new Effect.Send(Response.plain(334, List.of(USERNAME_PROMPT)))));
        }
        return authLoginResponse(s.withLoginUser(Phase.AUTH_LOGIN_USER, Optional.empty()), a.initialResponse().get());
      default:
        return error(s, SmtpReply.of(504, "5.5.4", "Unrecognized authentication type"));
    }
  }

  private Step authPlainResponse(SessionState s, String text) {
    SessionState idle = s.withLoginUser(Phase.IDLE, Optional.empty());
    if (text.equals("*")) {
      return error(idle, SmtpReply.of(501, "5.7.0", "Authentication cancelled"));
    }
    Optional<byte[]> raw = base64(text);
    if (raw.isEmpty()) {
      return error(idle, SmtpReply.of(501, "5.5.2", "Cannot decode response"));
    }
    byte[] b = raw.get();
    int first = indexOf(b, 0);
    int second = first < 0 ? -1 : indexOf(b, first + 1);
    if (first < 0 || second < 0 || indexOf(b, second + 1) >= 0) {
      Arrays.fill(b, (byte) 0);
      return error(idle, SmtpReply.of(501, "5.5.2", "Invalid PLAIN response"));
    }
    Optional<String> authz = utf8(b, 0, first);
    Optional<String> user = utf8(b, first + 1, second);
    Optional<char[]> password = utf8Chars(b, second + 1, b.length);
    Arrays.fill(b, (byte) 0);
    if (authz.isEmpty() || user.isEmpty() || password.isEmpty() || user.get().isEmpty()) {
      return error(idle, SmtpReply.of(501, "5.5.2", "Invalid PLAIN response"));
    }
    if (!authz.get().isEmpty() && !authz.get().equals(user.get())) {
      password.ifPresent(p -> Arrays.fill(p, '\0'));
      return error(idle, SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
    }
    return new Step(idle.with(Phase.WAIT_AUTH), List.of(new Effect.VerifyCredentials(user.get(), password.get())));
  }

  private Step authLoginResponse(SessionState s, String text) {
    SessionState idle = s.withLoginUser(Phase.IDLE, Optional.empty());
    if (text.equals("*")) {
      return error(idle, SmtpReply.of(501, "5.7.0", "Authentication cancelled"));
    }
    Optional<byte[]> raw = base64(text);
    if (raw.isEmpty() || raw.get().length > MAX_AUTH_FIELD) {
      return error(idle, SmtpReply.of(501, "5.5.2", "Cannot decode response"));
    }
    byte[] b = raw.get();
    if (s.phase() == Phase.AUTH_LOGIN_USER) {
      Optional<String> user = utf8(b, 0, b.length);
      if (user.isEmpty() || user.get().isEmpty() || user.get().indexOf('\0') >= 0) {
        return error(idle, SmtpReply.of(501, "5.5.2", "Invalid user name"));
      }
      return new Step(s.withLoginUser(Phase.AUTH_LOGIN_PASSWORD, user),
          List.of(new Effect.Send(Response.plain(334, List.of(PASSWORD_PROMPT)))));
    }
    Optional<char[]> password = utf8Chars(b, 0, b.length);
    Arrays.fill(b, (byte) 0);
    if (password.isEmpty() || s.loginUser().isEmpty()) {
      return error(idle, SmtpReply.of(501, "5.5.2", "Invalid password encoding"));
    }
    return new Step(idle.with(Phase.WAIT_AUTH), List.of(new Effect.VerifyCredentials(s.loginUser().get(), password.get())));
  }

  private Step authDecided(SessionState s, Input.AuthDecided a) {
    if (s.phase() != Phase.WAIT_AUTH) {
      return unexpected(s);
    }
    if (a.tenant().isPresent() && a.reply().code() == 235) {
      return new Step(s.withTenant(a.tenant()), List.of(reply(a.reply())));
    }
    SessionState idle = s.with(Phase.IDLE);
    return a.reply().isPermanent() ? error(idle, a.reply()) : then(idle, a.reply());
  }

  // ---- MAIL / RCPT ---------------------------------------------------------------------------

  private Optional<SmtpReply> mailGate(SessionState s) {
    if (s.heloName().isEmpty()) {
      return Optional.of(SmtpReply.of(503, "5.5.1", "Send HELO/EHLO first"));
    }
    if (!s.tls()) {
      return Optional.of(NEED_TLS);
    }
    if (s.tenant().isEmpty()) {
      return Optional.of(NEED_AUTH);
    }
    if (s.tx().isPresent()) {
      return Optional.of(SmtpReply.of(503, "5.5.1", "Nested MAIL command"));
    }
    return Optional.empty();
  }

  private Step mail(SessionState s, SmtpCommand.Mail m) {
    Optional<SmtpReply> gate = mailGate(s);
    if (gate.isPresent()) {
      return error(s, gate.get());
    }
    Tenant tenant = s.tenant().orElseThrow();
    // The null sender <> (RFC 5321 4.5.5: an authenticated ESP relaying its own bounces and notices)
    // has no domain to check; the handler holds it to the tenant's null-sender rate.
    if (m.reversePath().isPresent()) {
      var sender = m.reversePath().get();
      if (sender.isInternational() && !m.parameters().smtpUtf8()) {
        return then(s, SmtpReply.of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8"));
      }
      if (!tenant.maySendAs(sender.domain())) {
        return then(s, SmtpReply.of(550, "5.7.1", "Sender domain not allowed for this account"));
      }
    }
    if (m.parameters().declaredSize() > effectiveMaxBytes(s.tenant())) {
      return then(s, TOO_BIG);
    }
    if (m.parameters().body() == BodyType.BINARY_MIME) {
      return then(s, BINARY_REFUSED);
    }
    return new Step(s.withPending(Phase.WAIT_MAIL, m), List.of(new Effect.AdmitMail(tenant, m.reversePath(), m.parameters())));
  }

  private Step mailDecided(SessionState s, Input.MailDecided d) {
    if (s.phase() != Phase.WAIT_MAIL || s.tenant().isEmpty() || !(s.pending().orElse(null) instanceof SmtpCommand.Mail m)) {
      return unexpected(s);
    }
    if (d.refusal().isPresent() || d.messageId().isEmpty()) {
      return then(s.withTx(Phase.IDLE, Optional.empty()), d.refusal().orElse(SmtpReply.of(451, "4.3.0", "Temporary failure")));
    }
    Tenant tenant = s.tenant().get();
    MailTransaction tx = new MailTransaction(d.messageId().get(), m.reversePath(), m.parameters(), List.of(), false, false, 0,
        effectiveMaxBytes(s.tenant()), effectiveMaxRecipients(tenant));
    return then(s.withTx(Phase.IDLE, Optional.of(tx)), SmtpReply.of(250, "2.1.0", "Sender ok"));
  }

  private Step rcpt(SessionState s, SmtpCommand.Rcpt r) {
    if (s.tx().isEmpty()) {
      return error(s, SmtpReply.of(503, "5.5.1", "Need MAIL command first"));
    }
    MailTransaction tx = s.tx().get();
    if (tx.opened()) {
      return error(s, SmtpReply.of(503, "5.5.1", "RCPT not allowed after message data began"));
    }
    if (tx.recipients().size() >= tx.maxRecipients()) {
      return then(s, SmtpReply.of(452, "4.5.3", "Too many recipients"));
    }
    if (r.recipient().address().isInternational() && !tx.parameters().smtpUtf8()) {
      return then(s, SmtpReply.of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8"));
    }
    return new Step(s.withPending(Phase.WAIT_RCPT, r), List.of(new Effect.CheckRecipient(tx.messageId(), r.recipient())));
  }

  private Step recipientDecided(SessionState s, RecipientVerdict v) {
    if (s.phase() != Phase.WAIT_RCPT || s.tx().isEmpty() || !(s.pending().orElse(null) instanceof SmtpCommand.Rcpt r)) {
      return unexpected(s);
    }
    if (v instanceof RecipientVerdict.Refuse refuse) {
      return then(s.withTx(Phase.IDLE, s.tx()), refuse.reply());
    }
    return new Step(s.withTx(Phase.IDLE, Optional.of(s.tx().get().plus(r.recipient()))),
        List.of(reply(SmtpReply.of(250, "2.1.5", "Recipient ok"))));
  }

  // ---- DATA / BDAT ---------------------------------------------------------------------------

  private Step data(SessionState s) {
    if (s.tx().isEmpty()) {
      return error(s, SmtpReply.of(503, "5.5.1", "Need MAIL command first"));
    }
    MailTransaction tx = s.tx().get();
    if (tx.chunked()) {
      return error(s, SmtpReply.of(503, "5.5.1", "DATA not allowed after BDAT"));
    }
    if (tx.recipients().isEmpty()) {
      return error(s, SmtpReply.of(554, "5.5.1", "No valid recipients"));
    }
    return new Step(s.withTx(Phase.WAIT_OPEN, Optional.of(tx.openedAs(false))), List.of(new Effect.OpenMessage(tx.messageId())));
  }

  private Step bdat(SessionState s, SmtpCommand.Bdat b) {
    Optional<SmtpReply> refusal = Optional.empty();
    if (s.tx().isEmpty()) {
      refusal = Optional.of(SmtpReply.of(503, "5.5.1", "Need MAIL command first"));
    } else if (s.tx().get().recipients().isEmpty()) {
      refusal = Optional.of(SmtpReply.of(554, "5.5.1", "No valid recipients"));
    }
    if (refusal.isPresent()) {
      SessionState counted = countError(s);
      return new Step(counted.withDeferred(Phase.SKIP_CHUNK, refusal), List.of(new Effect.ReceiveChunk(b.size(), true)));
    }
    MailTransaction tx = s.tx().get();
    if (tx.bodyBytes() + b.size() > tx.maxBytes()) {
      SessionState reset = s.withTx(Phase.SKIP_CHUNK, Optional.empty()).withDeferred(Phase.SKIP_CHUNK, Optional.of(TOO_BIG));
      List<Effect> fx = new ArrayList<>();
      if (tx.opened()) {
        fx.add(new Effect.AbortMessage());
      }
      fx.add(new Effect.ReceiveChunk(b.size(), true));
      return new Step(reset, fx);
    }
    MailTransaction next = tx.openedAs(true).plusBytes(b.size());
    SessionState withChunk = s.withTx(Phase.CHUNK, Optional.of(next))
        .withDeferred(Phase.CHUNK, Optional.of(SmtpReply.of(250, "2.0.0", (b.last() ? "LAST " : "") + b.size() + " octets received")));
    if (!tx.opened()) {
      // The chunk size rides along in the deferred reply's state; open first, then read.
      return new Step(withChunk.with(Phase.WAIT_OPEN), List.of(new Effect.OpenMessage(tx.messageId())));
    }
    return new Step(withChunk, List.of(new Effect.ReceiveChunk(b.size(), false)));
  }

  private Step messageOpened(SessionState s, Input.MessageOpened o) {
    if (s.phase() != Phase.WAIT_OPEN || s.tx().isEmpty()) {
      return unexpected(s);
    }
    MailTransaction tx = s.tx().get();
    if (!tx.chunked()) {
      if (o.failure().isPresent()) {
        return then(s.withTx(Phase.IDLE, Optional.empty()), o.failure().get());
      }
      return new Step(s.with(Phase.DATA), List.of(
          new Effect.Send(Response.plain(354, List.of("End data with <CR><LF>.<CR><LF>"))),
          new Effect.ReceiveData(tx.maxBytes())));
    }
    long size = chunkSize(s);
    if (o.failure().isPresent()) {
      return new Step(s.withTx(Phase.SKIP_CHUNK, Optional.empty()).withDeferred(Phase.SKIP_CHUNK, o.failure()),
          List.of(new Effect.ReceiveChunk(size, true)));
    }
    return new Step(s.with(Phase.CHUNK), List.of(new Effect.ReceiveChunk(size, false)));
  }

  /** The size of the chunk being read: what BDAT added to the running total. */
  private static long chunkSize(SessionState s) {
    String text = s.deferredReply().map(r -> r.lines().get(0)).orElse("0 ");
    String n = text.startsWith("LAST ") ? text.substring(5) : text;
    return Long.parseLong(n.substring(0, n.indexOf(' ')));
  }

  private Step dataEnded(SessionState s, Input.DataEnded d) {
    if (s.phase() != Phase.DATA || s.tx().isEmpty()) {
      return unexpected(s);
    }
    if (d.failure().isPresent()) {
      return then(s.withTx(Phase.IDLE, Optional.empty()), d.failure().get(), new Effect.AbortMessage());
    }
    MailTransaction tx = s.tx().get();
    return new Step(s.with(Phase.WAIT_FINISH), List.of(new Effect.FinishMessage(tx, tx.recipients())));
  }

  private Step chunkEnded(SessionState s, Input.ChunkEnded c) {
    if (s.phase() == Phase.SKIP_CHUNK) {
      SmtpReply r = s.deferredReply().orElse(BAD_SEQUENCE);
      return then(s.withDeferred(Phase.IDLE, Optional.empty()), r);
    }
    if (s.phase() != Phase.CHUNK || s.tx().isEmpty()) {
      return unexpected(s);
    }
    SmtpReply ack = s.deferredReply().orElse(SmtpReply.of(250, "2.0.0", "Ok"));
    SessionState cleared = s.withDeferred(Phase.IDLE, Optional.empty());
    if (c.failure().isPresent()) {
      return then(cleared.withTx(Phase.IDLE, Optional.empty()), c.failure().get(), new Effect.AbortMessage());
    }
    if (ack.lines().get(0).startsWith("LAST ")) {
      MailTransaction tx = s.tx().get();
      return new Step(cleared.with(Phase.WAIT_FINISH), List.of(new Effect.FinishMessage(tx, tx.recipients())));
    }
    return then(cleared, ack);
  }

  private Step messageFinished(SessionState s, SmtpReply r) {
    if (s.phase() != Phase.WAIT_FINISH) {
      return unexpected(s);
    }
    SessionState idle = s.withTx(Phase.IDLE, Optional.empty());
    if (s.closing()) {
      return new Step(idle.with(Phase.CLOSED), List.of(reply(r), reply(SHUTTING_DOWN), new Effect.Close()));
    }
    return then(idle, r);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  private Step shutdown(SessionState s) {
    if (s.phase() == Phase.IDLE && s.tx().isEmpty()) {
      return close(s, SHUTTING_DOWN);
    }
    return new Step(s.asClosing(), List.of());
  }

  private Step close(SessionState s, SmtpReply r) {
    List<Effect> fx = new ArrayList<>();
    if (s.tx().map(MailTransaction::opened).orElse(false)) {
      fx.add(new Effect.AbortMessage());
    }
    fx.add(reply(r));
    fx.add(new Effect.Close());
    return new Step(s.withTx(Phase.CLOSED, Optional.empty()), fx);
  }

  /** Input that does not fit the phase: a bug in the caller, answered safely. */
  private Step unexpected(SessionState s) {
    return close(s, SmtpReply.of(421, "4.3.0", "Internal error, closing connection"));
  }

  private Step resetTx(SessionState s, Effect reply) {
    List<Effect> fx = new ArrayList<>();
    if (s.tx().map(MailTransaction::opened).orElse(false)) {
      fx.add(new Effect.AbortMessage());
    }
    if (reply != null) {
      fx.add(reply);
    }
    return new Step(s.withTx(Phase.IDLE, Optional.empty()), fx);
  }

  private long effectiveMaxBytes(Optional<Tenant> tenant) {
    return tenant.map(t -> Math.min(t.limits().maxMessageBytes(), settings.maxMessageBytes())).orElse(settings.maxMessageBytes());
  }

  private int effectiveMaxRecipients(Tenant tenant) {
    return Math.min(tenant.limits().maxRecipientsPerMessage(), settings.maxRecipients());
  }

  private static Effect reply(SmtpReply r) {
    return new Effect.Send(Response.of(r));
  }

  private static Step ok(SessionState s, SmtpReply r) {
    return new Step(s, List.of(reply(r)));
  }

  /** A reply that is an answer, not a protocol error (policy refusals, limits): not counted. */
  private static Step then(SessionState s, SmtpReply r, Effect... before) {
    List<Effect> fx = new ArrayList<>(Arrays.asList(before));
    fx.add(reply(r));
    return new Step(s, fx);
  }

  private SessionState countError(SessionState s) {
    return s.withErrors(s.errors() + 1);
  }

  /** A protocol error: counted; too many close the session with 421 4.7.0. */
  private Step error(SessionState s, SmtpReply r, Effect... before) {
    SessionState counted = countError(s);
    List<Effect> fx = new ArrayList<>(Arrays.asList(before));
    fx.add(reply(r));
    if (counted.errors() >= settings.maxErrors()) {
      if (s.tx().map(MailTransaction::opened).orElse(false) && before.length == 0) {
        fx.add(0, new Effect.AbortMessage());
      }
      fx.add(reply(SmtpReply.of(421, "4.7.0", settings.hostname() + " Too many errors, closing connection")));
      fx.add(new Effect.Close());
      return new Step(counted.withTx(Phase.CLOSED, Optional.empty()), fx);
    }
    return new Step(counted, fx);
  }

  private static Optional<byte[]> base64(String text) {
    if (text.equals("=")) {
      return Optional.of(new byte[0]);
    }
    if (text.length() > 4 * MAX_AUTH_FIELD) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static Optional<String> utf8(byte[] b, int from, int to) {
    return utf8Chars(b, from, to).map(String::new);
  }

  private static Optional<char[]> utf8Chars(byte[] b, int from, int to) {
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, from, to - from));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      return Optional.of(out);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
