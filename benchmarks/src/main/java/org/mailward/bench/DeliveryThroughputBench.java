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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageFinisher;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.DeliveryService;
import org.mailward.delivery.route.RouteOverride;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.TestCa;

/**
 * Outbound throughput: how many messages per second the delivery module (real
 * scheduler, real SMTP client, STARTTLS on every connection, connection reuse)
 * hands to a local TLS sink on loopback. The sink is a minimal Netty SMTP
 * server in this file that accepts everything after STARTTLS; the spool and the
 * audit journal are relay-testkit's in-memory ones (so this measures delivery, not
 * storage; a claim from its due index costs O(k log n), and the run measured the
 * same rate as with a spool written for this bench: docs/performance.md).
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
      MemorySpool spool = new MemorySpool(clock);
      byte[] body = body(bodyBytes);
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < messages; i++) {
        EmailAddress rcpt = new EmailAddress("r" + i, "d" + (i % domains) + ".bench");
        spool.add(new Envelope(MessageId.generate(clock.millis(), random), new TenantId("bench"),
            Optional.of(new EmailAddress("sender", "clinic.bench")), MailParameters.defaults(), List.of(Recipient.of(rcpt)),
            Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.DEFER, List.of(), false, clock.instant(), "bench"), body);
      }
      DeliveryService service = new DeliveryService(config, spool, new MemoryAuditJournal(), MessageFinisher.passThrough(), Optional.empty(),
          new Redactor(new byte[32]), clock);
      long start = System.nanoTime();
      service.start();
      while (spool.finished() < messages && System.nanoTime() - start < Duration.ofMinutes(5).toNanos()) {
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long done = spool.finished();
      System.out.printf("delivered %d of %d messages (%d B bodies) over TLS in %.2f s: %.0f msg/s; %d connections opened, "
              + "%d reuses; sink received %d%n", spool.stats().delivered(), messages, bodyBytes, seconds, done / seconds,
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
