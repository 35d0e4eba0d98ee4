package org.mailward.core.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.mailward.api.AuditEvent;
import org.mailward.api.MessageId;
import org.mailward.api.PolicyEngine.MessageInspection;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.SessionInfo;
import org.mailward.api.SmtpReply;
import org.mailward.api.SpoolException;
import org.mailward.api.Tenant;
import org.mailward.api.Transaction;
import org.mailward.core.smtp.Effect;
import org.mailward.core.smtp.Input;
import org.mailward.core.smtp.Response;
import org.mailward.core.smtp.SessionState;
import org.mailward.core.smtp.SessionState.MailTransaction;
import org.mailward.core.smtp.Step;
import org.slf4j.MDC;

/**
 * Adapts one connection's bytes to the {@link org.mailward.core.smtp.SmtpProtocol}
 * state machine; decides nothing itself.
 *
 * <p>Design: the handler keeps its own input buffer and decodes from it in three
 * modes: command lines (bounded length), DATA (dot-unstuffing via {@link DataScanner})
 * and BDAT chunks (by byte count). While the state machine waits for a result
 * (AUTH, policy, commit) no line is decoded and auto-read is off, so pipelined
 * commands stay buffered and replies go out in order. Results computed elsewhere
 * come back to this channel's event loop before they touch state. After
 * STARTTLS's 220 the buffered plaintext is dropped before the TLS handler is
 * installed (CVE-2011-0411). Bodies stream through a fixed 64 KiB scratch array.
 */
final class SmtpChannelHandler extends ChannelInboundHandlerAdapter {
  private static final int SCRATCH = 64 * 1024;
  static final Object SHUTDOWN = new Object();
  static final Object FORCE_CLOSE = new Object();
  static final SmtpReply NULL_SENDER_RATE =
      SmtpReply.of(450, "4.7.1", "Null-sender message rate exceeded for this account, try again later");

  private enum Mode { LINES, DATA, CHUNK }

  private final InboundServices services;
  private final boolean implicitTls;
  private final String sessionId;
  private ChannelHandlerContext ctx;
  private SessionState state;
  private ByteBuf in;
  private Mode mode = Mode.LINES;
  private boolean discardingLongLine;
  private final Deque<Input> inbox = new ArrayDeque<>();
  private boolean feeding;
  private boolean wrote;
  private String clientIp = "unknown";
  private boolean admitted;
  private Optional<Tenant> tenantSlot = Optional.empty();
  private Optional<String> tlsProtocol = Optional.empty();
  private Optional<String> tlsCipher = Optional.empty();
  private InboundMessage message;
  private DataScanner scanner;
  private long chunkRemaining;
  private boolean chunkDiscard;
  private byte[] scratch;
  private byte[] out;

  SmtpChannelHandler(InboundServices services, boolean implicitTls) {
    this.services = services;
    this.implicitTls = implicitTls;
    this.sessionId = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    this.state = SessionState.initial(implicitTls);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
      clientIp = a.getAddress().getHostAddress();
    }
    services.metrics().connections.increment();
    if (!services.connections().tryOpen(clientIp)) {
      services.metrics().connectionsRefused.increment();
      state = state.phase() == SessionState.Phase.CLOSED ? state : closedState();
      ByteBuf r = Unpooled.wrappedBuffer(Response.of(421, "4.7.0", services.config().hostname() + " Too many connections, try later").toWireBytes());
      if (implicitTls) {
        ctx.close(); // no TLS session yet to say it in
      } else {
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    admitted = true;
    if (!implicitTls) {
      send(services.protocol().greeting());
      ctx.flush();
    }
  }

  private SessionState closedState() {
    Step s = services.protocol().on(state, new Input.IdleTimeout());
    return s.state();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    abortMessage();
    if (in != null) {
      in.release();
      in = null;
    }
    if (admitted) {
      services.connections().close(clientIp);
      admitted = false;
    }
    tenantSlot.ifPresent(t -> services.connections().closeTenant(t.id()));
    tenantSlot = Optional.empty();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent hs) {
      if (!hs.isSuccess()) {
        ctx.close();
        return;
      }
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      if (ssl != null) {
        tlsProtocol = Optional.ofNullable(ssl.engine().getSession().getProtocol());
        tlsCipher = Optional.ofNullable(ssl.engine().getSession().getCipherSuite());
      }
      if (implicitTls && state.heloName().isEmpty() && admitted) {
        send(services.protocol().greeting());
        ctx.flush();
      }
    } else if (evt instanceof IdleStateEvent) {
      if (state.acceptsLines() || mode != Mode.LINES) {
        submit(new Input.IdleTimeout());
      }
    } else if (evt == SHUTDOWN) {
      submit(new Input.Shutdown());
    } else if (evt == FORCE_CLOSE) {
      abortMessage();
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(Response.of(421, "4.3.2", "Service shutting down").toWireBytes()))
            .addListener(ChannelFutureListener.CLOSE);
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException || cause instanceof io.netty.handler.codec.DecoderException) {
      services.failures().routine("session " + sessionId + " closed by the network or TLS", cause);
    } else {
      services.failures().record("session " + sessionId, current(), cause);
    }
    abortMessage();
    ctx.close();
  }

  /** The message id of the transaction in progress, for log lines. */
  private Optional<MessageId> current() {
    return state.tx().map(MailTransaction::messageId);
  }

  // ---- input ----------------------------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      if (state.phase() == SessionState.Phase.CLOSED) {
        return;
      }
      if (in == null) {
        in = ctx.alloc().buffer(Math.max(1024, buf.readableBytes()));
      }
      in.writeBytes(buf);
    } finally {
      buf.release();
    }
    pump();
  }

  /** Decodes as much buffered input as the session can take now, then flushes replies once. */
  private void pump() {
    MDC.put("sessionId", sessionId);
    try {
      while (in != null && in.isReadable() && state.phase() != SessionState.Phase.CLOSED) {
        boolean progressed = switch (mode) {
          case LINES -> state.acceptsLines() && nextLine();
          case DATA -> dataBytes();
          case CHUNK -> chunkBytes();
        };
        if (!progressed) {
          break;
        }
      }
      if (in != null) {
        in.discardSomeReadBytes();
      }
      boolean waiting = mode == Mode.LINES && !state.acceptsLines();
      ctx.channel().config().setAutoRead(!waiting);
      if (wrote) {
        wrote = false;
        ctx.flush();
      }
    } finally {
      MDC.remove("sessionId");
    }
  }

  private boolean nextLine() {
    int max = services.config().limits().maxLineLength();
    int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (discardingLongLine) {
      if (lf < 0) {
        in.skipBytes(in.readableBytes());
        return false;
      }
      in.readerIndex(lf + 1);
      discardingLongLine = false;
      feed(new Input.LineTooLong());
      return true;
    }
    if (lf < 0) {
      if (in.readableBytes() > max + 2) {
        in.skipBytes(in.readableBytes());
        discardingLongLine = true;
      }
      return false;
    }
    int len = lf - in.readerIndex();
    if (len > max + 1) {
      in.readerIndex(lf + 1);
      feed(new Input.LineTooLong());
      return true;
    }
    int textLen = len > 0 && in.getByte(lf - 1) == '\r' ? len - 1 : len;
    String line = in.toString(in.readerIndex(), textLen, StandardCharsets.UTF_8);
    in.readerIndex(lf + 1);
    feed(new Input.Line(line));
    return true;
  }

  private boolean dataBytes() {
    int n = Math.min(in.readableBytes(), SCRATCH);
    in.getBytes(in.readerIndex(), scratch, 0, n);
    long r = scanner.scan(scratch, 0, n, out);
    int consumed = (int) (r >>> 32);
    int produced = (int) r;
    in.skipBytes(consumed);
    if (message != null) {
      message.write(out, 0, produced);
    }
    if (scanner.ended()) {
      mode = Mode.LINES;
      Optional<SmtpReply> failure = Optional.empty();
      if (message == null) {
        failure = Optional.of(InboundMessage.POLICY_FAILED);
      } else if (scanner.sawBareLineEnding()) {
        failure = Optional.of(SmtpReply.of(550, "5.6.11", "Bare CR or LF in message data; use CRLF line endings"));
      } else {
        failure = message.problem();
      }
      scanner = null;
      feed(new Input.DataEnded(failure));
    }
    return true;
  }

  private boolean chunkBytes() {
    int n = (int) Math.min(in.readableBytes(), Math.min(chunkRemaining, SCRATCH));
    if (!chunkDiscard && message != null) {
      in.getBytes(in.readerIndex(), scratch, 0, n);
      message.write(scratch, 0, n);
    }
    in.skipBytes(n);
    chunkRemaining -= n;
    if (chunkRemaining == 0) {
      endChunk();
    }
    return true;
  }

  private void endChunk() {
    mode = Mode.LINES;
    Optional<SmtpReply> failure = chunkDiscard || message == null ? Optional.empty() : message.problem();
    feed(new Input.ChunkEnded(failure));
  }

  // ---- state machine --------------------------------------------------------------------------

  /** Delivers an input computed elsewhere: always on this channel's event loop. */
  private void submit(Input input) {
    if (ctx.executor().inEventLoop()) {
      feed(input);
      pump();
    } else {
      try {
        ctx.executor().execute(() -> {
          feed(input);
          pump();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        services.failures().routine("session " + sessionId + " result arrived after its event loop stopped", e);
      }
    }
  }

  private void feed(Input input) {
    inbox.add(input);
    if (feeding) {
      return;
    }
    feeding = true;
    try {
      while (!inbox.isEmpty()) {
        Step step = services.protocol().on(state, inbox.poll());
        state = step.state();
        for (Effect e : step.effects()) {
          execute(e);
        }
      }
    } finally {
      feeding = false;
    }
  }

  private void execute(Effect e) {
    if (e instanceof Effect.Send s) {
      send(s.response());
    } else if (e instanceof Effect.StartTls) {
      startTls();
    } else if (e instanceof Effect.Close) {
      abortMessage();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      wrote = false;
      if (in != null) {
        in.skipBytes(in.readableBytes());
      }
    } else if (e instanceof Effect.VerifyCredentials v) {
      verify(v);
    } else if (e instanceof Effect.AdmitMail a) {
      admitMail(a);
    } else if (e instanceof Effect.CheckRecipient c) {
      checkRecipient(c);
    } else if (e instanceof Effect.OpenMessage o) {
      openMessage(o.messageId());
    } else if (e instanceof Effect.ReceiveData) {
      mode = Mode.DATA;
      scanner = new DataScanner();
      ensureScratch();
    } else if (e instanceof Effect.ReceiveChunk c) {
      chunkRemaining = c.size();
      chunkDiscard = c.discard();
      ensureScratch();
      if (c.size() == 0) {
        endChunk();
      } else {
        mode = Mode.CHUNK;
      }
    } else if (e instanceof Effect.FinishMessage f) {
      finishMessage(f);
    } else if (e instanceof Effect.AbortMessage) {
      abortMessage();
    }
  }

  private void send(Response r) {
    ctx.write(Unpooled.wrappedBuffer(r.toWireBytes()));
    wrote = true;
  }

  private void startTls() {
    if (in != null) {
      in.skipBytes(in.readableBytes()); // plaintext pipelined after STARTTLS is never trusted
    }
    ctx.flush();
    wrote = false;
    ctx.pipeline().addFirst("tls", services.tls().newHandler(ctx.alloc()));
  }

  private void verify(Effect.VerifyCredentials v) {
    services.authenticator().authenticate(clientIp, v.username(), v.password()).whenComplete((outcome, error) -> {
      Input result;
      long delay = 0;
      if (error != null || outcome == null) {
        services.failures().record("AUTH check", Optional.empty(), error != null ? error : new IllegalStateException("no outcome"));
        result = new Input.AuthDecided(Optional.empty(), SmtpReply.of(454, "4.7.0", "Temporary authentication failure"));
      } else {
        delay = outcome.delay().toMillis();
        result = new Input.AuthDecided(outcome.tenant(), outcome.reply());
        if (outcome.tenant().isEmpty()) {
          services.metrics().authFailures.increment();
        }
      }
      Input decided = result;
      try {
        if (delay > 0) {
          ctx.executor().schedule(() -> submit(withTenantSlot(decided)), delay, TimeUnit.MILLISECONDS);
        } else {
          ctx.executor().execute(() -> submit(withTenantSlot(decided)));
        }
      } catch (java.util.concurrent.RejectedExecutionException e) {
        services.failures().routine("session " + sessionId + " AUTH result arrived after its event loop stopped", e);
      }
    });
  }

  /** On the event loop: a successful AUTH also needs a free connection slot for the tenant. */
  private Input withTenantSlot(Input input) {
    if (input instanceof Input.AuthDecided a && a.tenant().isPresent() && ctx.channel().isActive()) {
      if (!services.connections().tryTenant(a.tenant().get())) {
        return new Input.AuthDecided(Optional.empty(), SmtpReply.of(454, "4.7.0", "Too many connections for this account, try later"));
      }
      tenantSlot = a.tenant();
    }
    return input;
  }

  private void admitMail(Effect.AdmitMail a) {
    Optional<SmtpReply> refusal = Optional.empty();
    if (!services.spool().health().accepting()) {
      refusal = Optional.of(SmtpReply.of(452, "4.3.1", "Insufficient system storage, try again later"));
    } else if (!services.audit().health().recording()) {
      services.metrics().auditRefusals.increment();
      refusal = Optional.of(MessageAcceptance.AUDIT_DOWN);
    } else if (!services.rates().tryAcquire(a.tenant())) {
      refusal = Optional.of(SmtpReply.of(451, "4.7.1", "Message rate limit exceeded for this account, try again later"));
    } else if (a.reversePath().isEmpty() && !services.nullSenders().tryAcquire(a.tenant().id(),
        services.config().limits().nullSenderPerMinute() / 60.0, services.config().limits().nullSenderPerMinute())) {
      services.metrics().nullSenderThrottled.increment();
      refusal = Optional.of(NULL_SENDER_RATE);
    }
    Optional<MessageId> id = refusal.isPresent() ? Optional.empty()
        : Optional.of(MessageId.generate(services.clock().millis(), ThreadLocalRandom.current()));
    feed(new Input.MailDecided(id, refusal));
  }

  private Transaction transaction(MailTransaction tx) {
    return transaction(tx.messageId(), tx);
  }

  private Transaction transaction(MessageId id, MailTransaction tx) {
    SessionInfo info = new SessionInfo(sessionId, clientIp, state.heloName(), state.tenant().orElseThrow(), tlsProtocol, tlsCipher);
    return new Transaction(info, id, tx.reversePath(), tx.parameters());
  }

  private void checkRecipient(Effect.CheckRecipient c) {
    Transaction tx = transaction(state.tx().orElseThrow());
    Stages.within(() -> services.policy().onRecipient(tx, c.recipient()), services.config().timeouts().policy(), ctx.executor())
        .whenComplete((verdict, error) -> {
          if (error != null || verdict == null) {
            services.failures().record("policy check at RCPT", Optional.of(c.messageId()),
                error != null ? Stages.unwrap(error) : new IllegalStateException("no verdict"));
          }
          RecipientVerdict v = error != null || verdict == null
              ? new RecipientVerdict.Refuse(SmtpReply.of(451, "4.3.0", "Temporary policy failure, try again later"), "policy.unavailable")
              : verdict;
          if (v instanceof RecipientVerdict.Refuse r) {
            services.metrics().recipientsRefused.increment();
            audit("recipient.refused", Optional.of(c.messageId()), Map.of("rule", r.rule(), "code", r.reply().status()));
          }
          submit(new Input.RecipientDecided(v));
        });
  }

  private void openMessage(MessageId id) {
    MailTransaction tx = state.tx().orElseThrow();
    Transaction t = transaction(tx);
    org.mailward.api.MessageWriter writer;
    try {
      writer = services.spool().begin(id);
    } catch (SpoolException e) {
      services.failures().record("spool begin", Optional.of(id), e);
      feed(new Input.MessageOpened(Optional.of(e.reply())));
      return;
    } catch (RuntimeException e) {
      services.failures().record("spool begin", Optional.of(id), e);
      feed(new Input.MessageOpened(Optional.of(SmtpReply.of(451, "4.3.0", "Temporary failure, try again later"))));
      return;
    }
    MessageInspection inspection;
    try {
      inspection = services.policy().inspect(t);
    } catch (RuntimeException e) {
      services.failures().record("policy inspection start", Optional.of(id), e);
      writer.abort();
      feed(new Input.MessageOpened(Optional.of(InboundMessage.POLICY_FAILED)));
      return;
    }
    message = new InboundMessage(writer, inspection, tx.maxBytes(), id, services.failures());
    message.writeHeader(ReceivedHeader.build(state.heloName(), clientIp, services.config().hostname(), state.esmtp(), true,
        tx.parameters().smtpUtf8(), tlsProtocol, tlsCipher, id, ZonedDateTime.now(services.clock())));
    feed(new Input.MessageOpened(message.problem()));
  }

  private void finishMessage(Effect.FinishMessage f) {
    InboundMessage m = message;
    message = null;
    if (m == null) {
      feed(new Input.MessageFinished(InboundMessage.POLICY_FAILED));
      return;
    }
    if (m.problem().isPresent()) {
      feed(new Input.MessageFinished(m.problem().get()));
      return;
    }
    Transaction t = transaction(f.transaction());
    services.acceptance().finish(m, t, f.accepted(), ctx.executor()).whenComplete((reply, error) -> {
      if (error != null || reply == null) {
        services.failures().record("end of data", Optional.of(t.messageId()), error != null ? error : new IllegalStateException("no reply"));
      }
      submit(new Input.MessageFinished(error != null || reply == null ? InboundMessage.POLICY_FAILED : reply));
    });
  }

  private void abortMessage() {
    if (message != null) {
      message.abort();
      message = null;
    }
    scanner = null;
  }

  private void ensureScratch() {
    if (scratch == null) {
      scratch = new byte[SCRATCH];
      out = new byte[SCRATCH + 4];
    }
  }

  /** Through the guard: never throws; a failure is counted, logged once and turns acceptance off. */
  private void audit(String type, Optional<MessageId> id, Map<String, String> facts) {
    services.audit().append(new AuditEvent(services.clock().instant(), type, id, state.tenant().map(Tenant::id), facts));
  }
}
