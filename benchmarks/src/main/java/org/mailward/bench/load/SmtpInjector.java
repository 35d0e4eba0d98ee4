package org.mailward.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SMTP load injector: N concurrent sessions (each reconnecting after its
 * per-connection quota) until the message count or the duration is used up,
 * plus optional idle sessions; then prints one JSON summary line.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.mailward.bench.load.SmtpInjector \
 *   --port 2587 --starttls --user U --password P --connections 16 --duration 30s --size 60KB
 * </pre>
 *
 * It never retries a refused message; it counts it by reply class. It does
 * not check certificates (loopback measurements only) and refuses any host
 * outside 127.0.0.0/8.
 */
public final class SmtpInjector {
  private static final Duration GRACE = Duration.ofSeconds(30);

  private static final int MAX_CONNECT_FAILURES = 50;

  private final InjectorConfig config;
  private final AtomicInteger connectFailures = new AtomicInteger();

  SmtpInjector(InjectorConfig config) {
    this.config = config;
  }

  public static void main(String[] argv) throws Exception {
    InjectorConfig config = InjectorConfig.from(Args.parse(argv, InjectorConfig.OPTIONS, InjectorConfig.FLAGS));
    Map<String, Object> summary = new SmtpInjector(config).run();
    System.out.println(new ObjectMapper().writeValueAsString(summary));
    System.out.flush();
    System.exit(0);
  }

  /** Runs to the end and returns the summary (also what {@link #main} prints). */
  Map<String, Object> run() throws InterruptedException {
    Transport transport = Transport.best();
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), config.connections()));
    EventLoopGroup group = transport.group("injector", threads);
    ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    MarketingMessage message = config.attachmentSize() > 0
        ? MarketingMessage.withAttachment(config.messageSize(), domainOf(config.sender()), BrochurePdf.ofSize(config.attachmentSize()))
        : MarketingMessage.ofSize(config.messageSize(), domainOf(config.sender()));
    ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(message.body().length).writeBytes(message.body()));
    try {
      // Idle sessions first (P5): they must be open before the measured load starts.
      CountDownLatch idleDone = new CountDownLatch(config.idleConnections());
      long openStart = System.nanoTime();
      InjectorStats openStats = new InjectorStats(openStart);
      Budget none = new Budget(1, openStart);
      InjectorSession.Shared idleShared = new InjectorSession.Shared(config, openStats, none, LoadTls.client(), body, message,
          () -> {});
      openIdle(transport, group, all, idleShared, idleDone);
      idleDone.await(Math.max(60, config.idleConnections() / 20), TimeUnit.SECONDS);
      double idleOpenSeconds = (System.nanoTime() - openStart) / 1e9;

      long start = System.nanoTime();
      long deadline = config.duration().isZero() ? Long.MAX_VALUE : start + config.duration().toNanos();
      Budget budget = new Budget(config.count(), deadline, start, config.rate());
      InjectorStats stats = new InjectorStats(start);
      InjectorSession.Shared shared = new InjectorSession.Shared(config, stats, budget, LoadTls.client(), body, message, () -> {});
      AtomicInteger active = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);
      for (int i = 0; i < config.connections(); i++) {
        connect(transport, group, all, shared, active, done);
      }
      long hardStopMillis = config.duration().isZero()
          ? Long.MAX_VALUE / 2 : config.duration().plus(GRACE).toMillis();
      if (!done.await(hardStopMillis, TimeUnit.MILLISECONDS)) {
        budget.stop();
      }
      budget.stop();
      Map<String, Object> summary = stats.summary(config, transport.name());
      summary.put("tlsSessions", (long) summary.get("tlsSessions") + openStats.tlsSessions.sum());
      summary.put("idleReady", openStats.idleReady.sum());
      summary.put("idleOpenSeconds", InjectorStats.round(idleOpenSeconds));
      summary.put("targetRate", config.rate());
      summary.put("errors", (long) summary.get("errors") + openStats.errors.sum());
      return summary;
    } finally {
      all.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  private void openIdle(Transport transport, EventLoopGroup group, ChannelGroup all, InjectorSession.Shared shared,
      CountDownLatch idleDone) {
    // At most 50 handshakes in flight: each chain opens its next connection when the previous one is ready or failed.
    AtomicInteger toOpen = new AtomicInteger(config.idleConnections());
    int chains = Math.min(50, config.idleConnections());
    for (int i = 0; i < chains; i++) {
      openIdleChain(transport, group, all, shared, toOpen, idleDone);
    }
  }

  private void openIdleChain(Transport transport, EventLoopGroup group, ChannelGroup all, InjectorSession.Shared shared,
      AtomicInteger toOpen, CountDownLatch idleDone) {
    if (toOpen.getAndDecrement() <= 0) {
      return;
    }
    // Exactly one of "ready" and "closed before ready" counts this connection as done and opens the next one.
    AtomicBoolean settled = new AtomicBoolean();
    Runnable next = () -> {
      if (settled.compareAndSet(false, true)) {
        idleDone.countDown();
        openIdleChain(transport, group, all, shared, toOpen, idleDone);
      }
    };
    InjectorSession.Shared chained = new InjectorSession.Shared(shared.config(), shared.stats(), shared.budget(), shared.tls(),
        shared.body(), shared.message(), next);
    ChannelFuture f = bootstrap(transport, group, chained, true).connect(config.host(), config.port());
    all.add(f.channel());
    f.channel().closeFuture().addListener(c -> {
      if (!settled.get()) {
        shared.stats().errors.increment();
      }
      next.run();
    });
  }

  private void connect(Transport transport, EventLoopGroup group, ChannelGroup all, InjectorSession.Shared shared,
      AtomicInteger active, CountDownLatch done) {
    if (!shared.budget().hasMore()) {
      if (active.get() == 0) {
        done.countDown();
      }
      return;
    }
    active.incrementAndGet();
    shared.stats().connections.increment();
    long opened = System.nanoTime();
    ChannelFuture f = bootstrap(transport, group, shared, false).connect(config.host(), config.port());
    Channel ch = f.channel();
    all.add(ch);
    ch.closeFuture().addListener(c -> {
      int left = active.decrementAndGet();
      if (shared.budget().hasMore()) {
        // A connection that failed fast (refused, reset) waits a little before the next try.
        long lived = System.nanoTime() - opened;
        long delayMs = lived < 50_000_000L ? 100 : 0;
        group.schedule(() -> connect(transport, group, all, shared, active, done), delayMs, TimeUnit.MILLISECONDS);
      } else if (left == 0) {
        done.countDown();
      }
    });
    f.addListener(c -> {
      if (!c.isSuccess()) {
        shared.stats().errors.increment();
        if (connectFailures.incrementAndGet() >= MAX_CONNECT_FAILURES) {
          shared.budget().stop(); // nobody is listening: give up instead of spinning
        }
      }
    });
  }

  private Bootstrap bootstrap(Transport transport, EventLoopGroup group, InjectorSession.Shared shared, boolean idle) {
    long timeoutSeconds = config.replyTimeout().toSeconds();
    return new Bootstrap()
        .group(group)
        .channel(transport.socket())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!idle) {
              ch.pipeline().addLast(new IdleStateHandler(timeoutSeconds, 0, 0, TimeUnit.SECONDS));
            }
            ch.pipeline().addLast(new SmtpResponseDecoder(8192));
            ch.pipeline().addLast(new InjectorSession(shared, idle));
          }
        });
  }

  private static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "clinic.example" : address.substring(at + 1);
  }
}
