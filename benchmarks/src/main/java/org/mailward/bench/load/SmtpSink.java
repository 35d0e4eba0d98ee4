package org.mailward.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The counting SMTP sink: accepts everything (or answers RCPT with 4xx while
 * told to refuse), counts messages, recipients and bytes, offers STARTTLS with
 * a certificate made at start. As a program it prints a {@code listening} line,
 * a {@code tick} line per interval and a {@code summary} line at the end, all
 * JSON; stdin takes {@code refuse}, {@code accept}, {@code stats}, {@code stop}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.mailward.bench.load.SmtpSink --port 2526 --duration 120s
 * </pre>
 */
public final class SmtpSink implements AutoCloseable {
  private final SinkConfig config;
  private final SinkStats stats;
  private final EventLoopGroup group;
  private final Channel server;
  private volatile boolean refusing;

  private SmtpSink(SinkConfig config, SinkStats stats, EventLoopGroup group, Channel server) {
    this.config = config;
    this.stats = stats;
    this.group = group;
    this.server = server;
  }

  /** Binds and starts serving. */
  static SmtpSink start(SinkConfig config) throws InterruptedException {
    Transport transport = Transport.best();
    EventLoopGroup group = transport.group("sink", Runtime.getRuntime().availableProcessors());
    SslContext tls = config.tls() ? LoadTls.selfSignedServer() : null;
    SinkStats stats = new SinkStats(System.nanoTime());
    SmtpSink[] self = new SmtpSink[1];
    try {
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(transport.server())
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new SinkSession(config, stats, tls, () -> self[0].refusing()));
            }
          })
          .bind(new InetSocketAddress(config.bind(), config.port())).sync().channel();
      self[0] = new SmtpSink(config, stats, group, server);
      if (config.refuseFile() != null) {
        group.scheduleAtFixedRate(() -> self[0].refusing = Files.exists(config.refuseFile()), 0, 200, TimeUnit.MILLISECONDS);
      }
      return self[0];
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  SinkStats stats() {
    return stats;
  }

  boolean refusing() {
    return refusing;
  }

  /** Answer RCPT with 451 4.3.2 from now on (true) or accept again (false). */
  void refuse(boolean on) {
    refusing = on;
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  public static void main(String[] argv) throws Exception {
    SinkConfig config = SinkConfig.from(Args.parse(argv, SinkConfig.OPTIONS, SinkConfig.FLAGS));
    ObjectMapper json = new ObjectMapper();
    PrintStream out = System.out;
    SmtpSink sink = start(config);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      synchronized (out) {
        out.println(sink.summaryJson(json));
        out.flush();
      }
    }, "sink-summary"));
    Thread stdin = new Thread(() -> readCommands(sink, stop, json, out), "sink-stdin");
    stdin.setDaemon(true);
    stdin.start();
    synchronized (out) {
      out.println(json.writeValueAsString(Map.of("type", "listening", "port", sink.port(), "tls", config.tls(),
          "transport", Transport.best().name(), "tlsProvider", LoadTls.provider().name())));
      out.flush();
    }
    long tickMs = config.tick().isZero() ? Long.MAX_VALUE / 4 : config.tick().toMillis();
    long endAt = config.duration().isZero() ? Long.MAX_VALUE : System.currentTimeMillis() + config.duration().toMillis();
    while (System.currentTimeMillis() < endAt) {
      if (stop.await(Math.min(tickMs, Math.max(1, endAt - System.currentTimeMillis())), TimeUnit.MILLISECONDS)) {
        break;
      }
      if (!config.tick().isZero()) {
        synchronized (out) {
          out.println(json.writeValueAsString(sink.stats.snapshot("tick")));
          out.flush();
        }
      }
    }
    sink.close();
    System.exit(0); // the shutdown hook prints the summary
  }

  private String summaryJson(ObjectMapper json) {
    Map<String, Object> m = stats.snapshot("summary");
    m.put("perSecond", stats.perSecond());
    try {
      return json.writeValueAsString(m);
    } catch (IOException e) {
      return "{\"type\":\"summary\",\"error\":\"" + e.getMessage() + "\"}";
    }
  }

  private static void readCommands(SmtpSink sink, CountDownLatch stop, ObjectMapper json, PrintStream out) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        switch (line.trim()) {
          case "refuse" -> sink.refuse(true);
          case "accept" -> sink.refuse(false);
          case "stop" -> stop.countDown();
          case "stats" -> {
            synchronized (out) {
              out.println(json.writeValueAsString(sink.stats.snapshot("stats")));
              out.flush();
            }
          }
          default -> { /* ignore */ }
        }
      }
    } catch (IOException ignored) {
      // stdin closed: keep running until the duration or a signal
    }
  }
}
