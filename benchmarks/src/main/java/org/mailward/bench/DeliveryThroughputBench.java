package org.mailward.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.BodySource;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageFinisher;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.DeliveryService;
import org.mailward.delivery.route.RouteOverride;
import org.mailward.testkit.TestCa;

/**
 * Outbound throughput: how many messages per second the delivery module (real
 * scheduler, real SMTP client, STARTTLS on every connection, connection reuse)
 * hands to a local TLS sink on loopback. The sink is a minimal Netty SMTP
 * server in this file that accepts everything after STARTTLS; the spool is an
 * in-memory one (so this measures delivery, not storage).
 *
 * <p>Run: {@code java -cp ... org.mailward.bench.DeliveryThroughputBench [messages] [bodyBytes] [perConnection] [domains]}
 */
public final class DeliveryThroughputBench {
  private DeliveryThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int perConnection = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int domains = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    TestCa ca = TestCa.create("bench-ca");
    try (TlsSink sink = new TlsSink(ca.issue("sink.bench"))) {
      Path caPem = ca.writeCaPem(Files.createTempFile("bench-ca", ".pem"));
      Map<String, RouteOverride> routes = new HashMap<>();
      for (int d = 0; d < domains; d++) {
        routes.put("d" + d + ".bench", RouteOverride.parse("[127.0.0.1]:" + sink.port()));
      }
      DeliveryConfig base = DeliveryConfig.defaults();
      DeliveryConfig config = base.withRoutes(routes)
          .withSmtp(base.smtp().withMessagesPerConnection(perConnection).withHeloName("bench.mailward"))
          .withLimits(new DeliveryConfig.Limits(20_000, 2_000, 64, 8, 8, 0, Duration.ofMillis(20)))
          .withTls(new DeliveryConfig.Tls(Optional.of(caPem)))
          .withMtaSts(new DeliveryConfig.MtaSts(false, 443, Duration.ofSeconds(5), Duration.ofDays(1)))
          .withDane(new DeliveryConfig.Dane(false, Optional.empty(), Optional.empty()));
      Clock clock = Clock.systemUTC();
      BenchSpool spool = new BenchSpool(clock);
      byte[] body = body(bodyBytes);
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < messages; i++) {
        EmailAddress rcpt = new EmailAddress("r" + i, "d" + (i % domains) + ".bench");
        spool.add(new Envelope(MessageId.generate(clock.millis(), random), new TenantId("bench"),
            Optional.of(new EmailAddress("sender", "clinic.bench")), MailParameters.defaults(), List.of(Recipient.of(rcpt)),
            Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.DEFER, List.of(), false, clock.instant(), "bench"), body);
      }
      DeliveryService service = new DeliveryService(config, spool, new NullAudit(), MessageFinisher.passThrough(), Optional.empty(),
          new Redactor(new byte[32]), clock);
      long start = System.nanoTime();
      service.start();
      while (spool.finished.get() < messages && System.nanoTime() - start < Duration.ofMinutes(5).toNanos()) {
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long done = spool.finished.get();
      System.out.printf("delivered %d of %d messages (%d B bodies) over TLS in %.2f s: %.0f msg/s; %d connections opened, "
              + "%d reuses; sink received %d%n", spool.delivered.get(), messages, bodyBytes, seconds, done / seconds,
          service.pool().opened(), service.pool().reusedCount(), sink.received.get());
      service.stop();
    }
  }

  private static byte[] body(int size) {
    StringBuilder sb = new StringBuilder("From: <sender@clinic.bench>\r\nTo: <r@d.bench>\r\nSubject: Appointment reminder\r\n\r\n");
    while (sb.length() < size) {
      sb.append("Your appointment is confirmed. Please arrive ten minutes early.\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Pre-filled in-memory spool: due once, settled once. */
  static final class BenchSpool implements Spool {
    private final Clock clock;
    private final Map<MessageId, Envelope> envelopes = new HashMap<>();
    private final Map<MessageId, byte[]> bodies = new HashMap<>();
    private final TreeMap<RecipientRef, String> due = new TreeMap<>();
    final AtomicLong finished = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();

    BenchSpool(Clock clock) {
      this.clock = clock;
    }

    synchronized void add(Envelope env, byte[] body) {
      envelopes.put(env.id(), env);
      bodies.put(env.id(), body);
      due.put(env.ref(0), env.recipients().get(0).address().domain());
    }

    @Override
    public SpoolHealth health() {
      return new SpoolHealth(SpoolHealth.State.OK, 0, Long.MAX_VALUE);
    }

    @Override
    public MessageWriter begin(MessageId id) {
      throw new UnsupportedOperationException("the benchmark injects no messages");
    }

    @Override
    public synchronized Optional<Envelope> envelope(MessageId id) {
      return Optional.ofNullable(envelopes.get(id));
    }

    @Override
    public synchronized Optional<BodySource> body(MessageId id) {
      byte[] b = bodies.get(id);
      return b == null ? Optional.empty() : Optional.of(new BodySource() {
        @Override
        public InputStream open() {
          return new ByteArrayInputStream(b);
        }

        @Override
        public long size() {
          return b.length;
        }
      });
    }

    @Override
    public synchronized List<DueRecipient> claimDue(Instant now, int limit) {
      List<DueRecipient> out = new ArrayList<>();
      while (out.size() < limit && !due.isEmpty()) {
        var e = due.pollFirstEntry();
        out.add(new DueRecipient(e.getKey(), e.getValue(), now, 0));
      }
      return out;
    }

    @Override
    public synchronized CompletionStage<Void> settle(List<Settlement> settlements) {
      for (Settlement s : settlements) {
        if (s.outcome() instanceof RecipientOutcome.Deferred) {
          due.put(s.ref(), envelopes.get(s.ref().messageId()).recipients().get(s.ref().index()).address().domain());
          continue;
        }
        if (s.outcome() instanceof RecipientOutcome.Delivered) {
          delivered.incrementAndGet();
        }
        envelopes.remove(s.ref().messageId());
        bodies.remove(s.ref().messageId());
        finished.incrementAndGet();
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public SpoolStats stats() {
      return new SpoolStats(0, 0, 0, 0, 0, 0);
    }

    @Override
    public void close() {}
  }

  /** Discards audit events. */
  static final class NullAudit implements AuditJournal {
    @Override
    public void append(AuditEvent event) {}

    @Override
    public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
      return List.of();
    }

    @Override
    public Optional<Long> verifyChain() {
      return Optional.empty();
    }
  }

  /** A minimal SMTP sink with STARTTLS: accepts every command, counts messages, keeps nothing. */
  static final class TlsSink implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;
    final AtomicLong received = new AtomicLong();

    TlsSink(TestCa.Issued cert) throws Exception {
      SslContext ssl = SslContextBuilder.forServer(cert.key(), cert.certificate(), cert.ca()).protocols("TLSv1.3", "TLSv1.2").build();
      server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast("lines", new LineBasedFrameDecoder(1 << 16)).addLast(new Session(ssl));
            }
          }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Session extends SimpleChannelInboundHandler<ByteBuf> {
      private final SslContext ssl;
      private boolean data;
      private boolean tls;

      Session(SslContext ssl) {
        this.ssl = ssl;
      }

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        reply(ctx, "220 sink.bench ESMTP\r\n");
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
        String line = msg.toString(StandardCharsets.ISO_8859_1);
        if (data) {
          if (line.equals(".")) {
            data = false;
            received.incrementAndGet();
            reply(ctx, "250 2.0.0 Ok: queued\r\n");
          }
          return;
        }
        String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
        switch (cmd) {
          case "EHLO" -> reply(ctx, "250-sink.bench\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
              + (tls ? "" : "250-STARTTLS\r\n") + "250 ENHANCEDSTATUSCODES\r\n");
          case "STAR" -> {
            SslHandler h = ssl.newHandler(ctx.alloc());
            ctx.pipeline().addFirst("tls", new SslHandler(h.engine(), true));
            tls = true;
            reply(ctx, "220 2.0.0 Ready to start TLS\r\n");
          }
          case "DATA" -> {
            data = true;
            reply(ctx, "354 End data with <CR><LF>.<CR><LF>\r\n");
          }
          case "QUIT" -> ctx.writeAndFlush(Unpooled.copiedBuffer("221 2.0.0 Bye\r\n", StandardCharsets.US_ASCII))
              .addListener(f -> ctx.close());
          default -> reply(ctx, "250 2.0.0 Ok\r\n");
        }
      }

      private void reply(ChannelHandlerContext ctx, String text) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
      }
    }

    @Override
    public void close() {
      server.close();
      group.shutdownGracefully();
    }
  }
}
