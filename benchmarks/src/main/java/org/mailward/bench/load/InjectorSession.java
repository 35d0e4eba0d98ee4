package org.mailward.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One injector connection: greeting, EHLO, STARTTLS, EHLO, AUTH PLAIN, then
 * messages until its per-connection quota or the run's budget is used up, then
 * QUIT. With PIPELINING it sends MAIL, every RCPT and DATA in one write; the
 * replies arrive in order, so the same state walk serves both modes. The body
 * is written from a shared read-only buffer (no copy per message). Latency is
 * measured from the write of the final dot to its reply.
 *
 * <p>An idle session (P5) stops after STARTTLS and its second EHLO, without AUTH (a relay that hashes
 * passwords with Argon2 would otherwise spend the whole leg verifying thousands of logins), and holds its
 * connection open until the run ends.
 */
final class InjectorSession extends SimpleChannelInboundHandler<SmtpResponse> {
  private enum State { GREETING, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, DATA_END, QUIT, IDLE }

  /** Shared by every session of one run. */
  record Shared(InjectorConfig config, InjectorStats stats, Budget budget, SslContext tls, ByteBuf body, MarketingMessage message,
      Runnable onIdleReady) {}

  private static final ByteBuf END = Unpooled.unreleasableBuffer(
      Unpooled.directBuffer(3).writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII)));

  private final Shared shared;
  private final boolean idle;
  private State state = State.GREETING;
  private boolean tls;
  private boolean authed;
  private boolean pipelining;
  private boolean startTlsOffered;
  private int messagesHere;
  private int rcptIndex;
  private int rcptAccepted;
  private int failureCode;
  private long sequence;
  private long dataEndNanos;
  private boolean inMessage;

  InjectorSession(Shared shared, boolean idle) {
    this.shared = shared;
    this.idle = idle;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, SmtpResponse r) {
    int code = r.code();
    switch (state) {
      case GREETING -> {
        if (code != 220) {
          fail(ctx, code);
          return;
        }
        ehlo(ctx);
      }
      case EHLO -> {
        if (code != 250) {
          fail(ctx, code);
          return;
        }
        capabilities(r);
        afterEhlo(ctx);
      }
      case STARTTLS -> {
        if (code != 220) {
          fail(ctx, code);
          return;
        }
        SslHandler ssl = shared.tls().newHandler(ctx.alloc(), shared.config().host(), shared.config().port());
        ctx.pipeline().addFirst("tls", ssl);
        ssl.handshakeFuture().addListener(f -> {
          if (f.isSuccess()) {
            tls = true;
            shared.stats().tlsSessions.increment();
            ehlo(ctx);
          } else {
            shared.stats().errors.increment();
            ctx.close();
          }
        });
      }
      case AUTH -> {
        if (code != 235) {
          fail(ctx, code);
          return;
        }
        authed = true;
        ready(ctx);
      }
      case MAIL -> {
        if (code / 100 != 2) {
          failureCode = code;
        }
        state = State.RCPT;
        rcptIndex = 0;
        if (!pipelining) {
          if (failureCode != 0) {
            finishMessage(ctx, failureCode);
          } else {
            rcpt(ctx);
          }
        }
      }
      case RCPT -> {
        if (code / 100 == 2) {
          rcptAccepted++;
        } else {
          shared.stats().recipientsRefused.increment();
          if (failureCode == 0 && rcptAccepted == 0) {
            failureCode = code;
          }
        }
        rcptIndex++;
        if (rcptIndex == shared.config().recipientsPerMessage()) {
          state = State.DATA;
          if (!pipelining) {
            if (rcptAccepted == 0) {
              finishMessage(ctx, failureCode);
            } else {
              write(ctx, "DATA\r\n");
              ctx.flush();
            }
          }
        } else if (!pipelining) {
          rcpt(ctx);
        }
      }
      case DATA -> {
        if (code == 354) {
          ctx.write(Unpooled.wrappedBuffer(shared.message().headers(sequence, shared.config().sender(),
              shared.config().recipient(sequence))));
          ctx.write(shared.body().duplicate());
          state = State.DATA_END;
          dataEndNanos = System.nanoTime();
          ctx.writeAndFlush(END.duplicate());
        } else {
          finishMessage(ctx, failureCode != 0 ? failureCode : code);
        }
      }
      case DATA_END -> {
        if (code / 100 == 2) {
          shared.stats().accepted(dataEndNanos, System.nanoTime());
          inMessage = false;
          nextMessage(ctx);
        } else {
          finishMessage(ctx, code);
        }
      }
      case QUIT -> ctx.close();
      case IDLE -> { /* e.g. a 421 at shutdown: the server closes */ }
    }
  }

  private void capabilities(SmtpResponse r) {
    pipelining = false;
    startTlsOffered = false;
    for (CharSequence line : r.details()) {
      String s = line.toString().toUpperCase();
      if (s.equals("PIPELINING")) {
        pipelining = shared.config().pipelining();
      } else if (s.equals("STARTTLS")) {
        startTlsOffered = true;
      }
    }
  }

  private void afterEhlo(ChannelHandlerContext ctx) {
    if (shared.config().startTls() && !tls) {
      if (!startTlsOffered) {
        shared.stats().errors.increment();
        ctx.close();
        return;
      }
      state = State.STARTTLS;
      write(ctx, "STARTTLS\r\n");
      ctx.flush();
    } else if (!shared.config().username().isEmpty() && !authed && !idle) {
      String plain = "\0" + shared.config().username() + "\0" + shared.config().password();
      state = State.AUTH;
      write(ctx, "AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)) + "\r\n");
      ctx.flush();
    } else {
      ready(ctx);
    }
  }

  private void ready(ChannelHandlerContext ctx) {
    if (idle) {
      state = State.IDLE;
      shared.stats().idleReady.increment();
      shared.onIdleReady().run();
    } else {
      nextMessage(ctx);
    }
  }

  private void ehlo(ChannelHandlerContext ctx) {
    state = State.EHLO;
    write(ctx, "EHLO " + shared.config().ehloName() + "\r\n");
    ctx.flush();
  }

  private void nextMessage(ChannelHandlerContext ctx) {
    if (messagesHere >= shared.config().messagesPerConnection() || !shared.budget().claim()) {
      state = State.QUIT;
      write(ctx, "QUIT\r\n");
      ctx.flush();
      return;
    }
    messagesHere++;
    inMessage = true;
    long delay = shared.budget().startDelayNanos();
    if (delay > 0) {
      ctx.executor().schedule(() -> startMessage(ctx), delay, java.util.concurrent.TimeUnit.NANOSECONDS);
    } else {
      startMessage(ctx);
    }
  }

  private void startMessage(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      return;
    }
    shared.stats().started.increment();
    sequence = shared.budget().nextSequence();
    failureCode = 0;
    rcptAccepted = 0;
    rcptIndex = 0;
    state = State.MAIL;
    write(ctx, "MAIL FROM:<" + shared.config().sender() + "> SIZE=" + shared.body().readableBytes() + "\r\n");
    if (pipelining) {
      for (int i = 0; i < shared.config().recipientsPerMessage(); i++) {
        write(ctx, rcptLine(i));
      }
      write(ctx, "DATA\r\n");
    }
    ctx.flush();
  }

  private void rcpt(ChannelHandlerContext ctx) {
    write(ctx, rcptLine(rcptIndex));
    ctx.flush();
  }

  private String rcptLine(int i) {
    long index = sequence * shared.config().recipientsPerMessage() + i;
    return "RCPT TO:<" + shared.config().recipient(index) + ">\r\n";
  }

  private void finishMessage(ChannelHandlerContext ctx, int code) {
    shared.stats().refused(code == 0 ? 451 : code);
    inMessage = false;
    nextMessage(ctx);
  }

  /** A session-level failure (greeting, EHLO, STARTTLS or AUTH refused): an error, not a message outcome. */
  private void fail(ChannelHandlerContext ctx, int code) {
    shared.stats().errors.increment();
    ctx.close();
  }

  private static void write(ChannelHandlerContext ctx, String line) {
    ByteBuf b = ctx.alloc().buffer(line.length());
    ByteBufUtil.writeAscii(b, line);
    ctx.write(b);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && state != State.IDLE) {
      shared.stats().errors.increment();
      ctx.close();
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (inMessage) {
      shared.stats().errors.increment();
      inMessage = false;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
