package org.mailward.delivery.smtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.mailward.api.MessageFinisher;
import org.mailward.api.SmtpReply;

/**
 * One outbound SMTP connection: greeting, EHLO, STARTTLS, pipelined commands
 * and a streamed DATA phase. Every method returns a stage and none blocks the
 * event loop; the body is written from the given executor. This class knows
 * nothing about levels or policy: it reports what TLS gave ({@link #tls()}),
 * and callers decide whether a body may follow.
 */
public final class SmtpConnection {
  private final Channel channel;
  private final SmtpClientHandler handler;
  private final String host;
  private final InetSocketAddress address;
  private final Duration commandTimeout;
  private final CompletableFuture<SmtpReply> greeting;
  private volatile Map<String, String> extensions = Map.of();
  private volatile Optional<TlsSession> tls = Optional.empty();
  private int messages;

  /** What the handshake gave: protocol, cipher and the peer's chain, leaf first. */
  public record TlsSession(String protocol, String cipher, List<X509Certificate> chain) {
    public TlsSession {
      chain = List.copyOf(chain);
    }
  }

  private SmtpConnection(Channel channel, SmtpClientHandler handler, String host, InetSocketAddress address,
      Duration commandTimeout, CompletableFuture<SmtpReply> greeting) {
    this.channel = channel;
    this.handler = handler;
    this.host = host;
    this.address = address;
    this.commandTimeout = commandTimeout;
    this.greeting = greeting;
  }

  /** Connects; the stage completes once TCP is up (the greeting is read with {@link #greeting()}). */
  public static CompletionStage<SmtpConnection> connect(Bootstrap base, String host, InetSocketAddress address,
      Optional<InetAddress> source, Duration connectTimeout, Duration commandTimeout) {
    SmtpClientHandler handler = new SmtpClientHandler();
    CompletableFuture<SmtpReply> greeting = handler.expect();
    Bootstrap b = base.clone()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("decoder", new SmtpResponseDecoder(8192)).addLast("smtp", handler);
          }
        });
    ChannelFuture cf = source.isPresent() ? b.connect(address, new InetSocketAddress(source.get(), 0)) : b.connect(address);
    CompletableFuture<SmtpConnection> result = new CompletableFuture<>();
    cf.addListener(f -> {
      if (f.isSuccess()) {
        result.complete(new SmtpConnection(cf.channel(), handler, host, address, commandTimeout, greeting));
      } else {
        result.completeExceptionally(f.cause());
      }
    });
    return result;
  }

  public String host() {
    return host;
  }

  public InetSocketAddress address() {
    return address;
  }

  public CompletionStage<SmtpReply> greeting() {
    return greeting.orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete(this::closeOnTimeout);
  }

  /** Sends one command line (without CRLF) and waits for its reply. */
  public CompletionStage<SmtpReply> command(String line) {
    return pipeline(List.of(line)).get(0);
  }

  /** Sends several commands in one write (PIPELINING) and returns their replies in order. */
  public List<CompletableFuture<SmtpReply>> pipeline(List<String> lines) {
    List<CompletableFuture<SmtpReply>> replies = new ArrayList<>(lines.size());
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      replies.add(timed(handler.expect()));
      sb.append(l).append("\r\n");
    }
    channel.writeAndFlush(Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8));
    return replies;
  }

  /** EHLO; records the extensions the server offers (keyword upper-case → parameters). */
  public CompletionStage<SmtpReply> ehlo(String name) {
    return command("EHLO " + name).thenApply(r -> {
      if (r.isPositive()) {
        Map<String, String> ext = new HashMap<>();
        for (int i = 1; i < r.lines().size(); i++) {
          String l = r.lines().get(i).trim();
          int sp = l.indexOf(' ');
          ext.put((sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT), sp < 0 ? "" : l.substring(sp + 1));
        }
        extensions = Map.copyOf(ext);
      }
      return r;
    });
  }

  public boolean offers(String extension) {
    return extensions.containsKey(extension);
  }

  public Optional<String> extension(String keyword) {
    return Optional.ofNullable(extensions.get(keyword));
  }

  /**
   * STARTTLS and the handshake. Completes with the session when TLS is up,
   * exceptionally otherwise (the caller then QUITs: nothing else is sent).
   */
  public CompletionStage<TlsSession> startTls(SslContext context, Duration handshakeTimeout) {
    return command("STARTTLS").thenCompose(r -> {
      if (r.code() != 220 || Replies.isGoAhead(r)) {
        return CompletableFuture.failedFuture(new IOException("STARTTLS refused: " + r));
      }
      CompletableFuture<TlsSession> done = new CompletableFuture<>();
      channel.eventLoop().execute(() -> {
        SslHandler ssl = context.newHandler(channel.alloc(), host, address.getPort());
        ssl.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        // Replace the decoder so no byte received in plaintext survives into the TLS session.
        channel.pipeline().replace("decoder", "decoder", new SmtpResponseDecoder(8192));
        channel.pipeline().addFirst("tls", ssl);
        ssl.handshakeFuture().addListener(f -> {
          if (!f.isSuccess()) {
            done.completeExceptionally(f.cause());
            return;
          }
          try {
            SSLSession s = ssl.engine().getSession();
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : s.getPeerCertificates()) {
              chain.add((X509Certificate) c);
            }
            TlsSession t = new TlsSession(s.getProtocol(), s.getCipherSuite(), chain);
            tls = Optional.of(t);
            extensions = Map.of(); // RFC 3207: forget what was learnt before TLS
            done.complete(t);
          } catch (SSLPeerUnverifiedException e) {
            done.completeExceptionally(e);
          }
        });
      });
      return done;
    });
  }

  public Optional<TlsSession> tls() {
    return tls;
  }

  /**
   * Streams the prepared message (dot-stuffed) after a 354 and returns the final
   * reply. Runs the writing on {@code bodyExecutor}; the event loop only moves bytes.
   */
  public CompletionStage<SmtpReply> sendBody(MessageFinisher.Prepared prepared, Executor bodyExecutor, Duration dataTimeout) {
    return sendBody(() -> prepared, bodyExecutor, dataTimeout);
  }

  /** Supplies the prepared message on the body executor (preparing may read the spool). */
  @FunctionalInterface
  public interface PreparedSupplier {
    MessageFinisher.Prepared get() throws IOException;
  }

  /**
   * Streams the body; a failure to read or prepare the message completes the stage with a
   * {@link Failures.BodyReadFailure}, a failing channel with a {@link Failures.WireFailure}, so the caller
   * can tell them apart. Either way the channel is closed: a half-sent body must never be completed by a later '.'.
   */
  public CompletionStage<SmtpReply> sendBody(PreparedSupplier supplier, Executor bodyExecutor, Duration dataTimeout) {
    CompletableFuture<SmtpReply> result = new CompletableFuture<>();
    bodyExecutor.execute(() -> {
      long deadline = System.nanoTime() + dataTimeout.toNanos();
      try (ChannelOutputStream cos = new ChannelOutputStream(channel, handler, deadline);
          MessageFinisher.Prepared prepared = prepare(supplier)) {
        DotStuffingOutputStream dot = new DotStuffingOutputStream(cos);
        try {
          prepared.writeTo(dot);
        } catch (Failures.WireFailure e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          throw new Failures.BodyReadFailure(e);
        }
        CompletableFuture<SmtpReply> fin = handler.expect()
            .orTimeout(dataTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete(this::closeOnTimeout);
        dot.finish();
        fin.whenComplete((r, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(r);
          }
        });
      } catch (IOException | RuntimeException | Error e) {
        channel.close();
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private static MessageFinisher.Prepared prepare(PreparedSupplier supplier) throws Failures.BodyReadFailure {
    try {
      return supplier.get();
    } catch (IOException | RuntimeException e) {
      throw new Failures.BodyReadFailure(e);
    }
  }

  /** Sends only the end-of-data marker (354 after every RCPT failed; RFC 2920). */
  public CompletionStage<SmtpReply> sendEmptyBody() {
    return command(".");
  }

  public int messages() {
    return messages;
  }

  public void countMessage() {
    messages++;
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** QUIT politely, then close whatever the answer. */
  public void quit() {
    if (!channel.isActive()) {
      return;
    }
    command("QUIT").whenComplete((r, e) -> channel.close());
    channel.eventLoop().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
  }

  public void close() {
    channel.close();
  }

  /** Runs {@code task} on this connection's event loop after {@code delay} (idle expiry). */
  void schedule(Runnable task, Duration delay) {
    channel.eventLoop().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<SmtpReply> timed(CompletableFuture<SmtpReply> f) {
    f.orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete(this::closeOnTimeout);
    return f;
  }

  private void closeOnTimeout(SmtpReply r, Throwable e) {
    if (e != null) {
      channel.close();
    }
  }
}
