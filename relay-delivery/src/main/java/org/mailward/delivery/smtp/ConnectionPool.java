package org.mailward.delivery.smtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.DeliveryFailure.Kind;
import org.mailward.api.SmtpReply;
import org.mailward.delivery.DeliveryConfig;

/**
 * Ready outbound connections (greeted, EHLO done, STARTTLS done, EHLO again),
 * kept per MX host and address for reuse across batches until their message
 * count or idle time runs out; and the per-MX connection limit. A connection that
 * cannot do STARTTLS is closed with QUIT and never handed out: there is no
 * plaintext path through this class.
 */
public final class ConnectionPool {
  private final Bootstrap bootstrap;
  private final DeliveryConfig.Smtp smtp;
  private final SslContext sslContext;
  private final int perMx;
  private final Map<String, AsyncLimiter> limiters = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedDeque<SmtpConnection>> idle = new ConcurrentHashMap<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();

  public ConnectionPool(Bootstrap bootstrap, DeliveryConfig.Smtp smtp, SslContext sslContext, int perMxConnections) {
    this.bootstrap = bootstrap;
    this.smtp = smtp;
    this.sslContext = sslContext;
    this.perMx = perMxConnections;
  }

  /** A connection held exclusively until {@link #release}. */
  public record Lease(String key, SmtpConnection connection, boolean reused) {}

  public CompletionStage<Lease> acquire(String host, InetSocketAddress address) {
    String key = host + "|" + address.getAddress().getHostAddress() + "|" + address.getPort();
    AsyncLimiter limiter = limiters.computeIfAbsent(key, k -> new AsyncLimiter(perMx));
    return limiter.acquire().thenCompose(v -> {
      ConcurrentLinkedDeque<SmtpConnection> q = idle.get(key);
      SmtpConnection c;
      while (q != null && (c = q.pollFirst()) != null) {
        if (c.isOpen() && c.messages() < smtp.messagesPerConnection()) {
          reused.incrementAndGet();
          return CompletableFuture.completedFuture(new Lease(key, c, true));
        }
        c.quit();
      }
      return open(host, address).handle((conn, err) -> {
        if (err != null) {
          limiter.release();
          throw err instanceof CompletionException ce ? ce : new CompletionException(err);
        }
        opened.incrementAndGet();
        return new Lease(key, conn, false);
      });
    });
  }

  /** Returns the connection: kept for reuse when {@code reusable} and under its message cap, else closed. */
  public void release(Lease lease, boolean reusable) {
    SmtpConnection c = lease.connection();
    if (reusable && c.isOpen() && c.messages() < smtp.messagesPerConnection() && !smtp.idleTimeout().isZero()) {
      ConcurrentLinkedDeque<SmtpConnection> q = idle.computeIfAbsent(lease.key(), k -> new ConcurrentLinkedDeque<>());
      q.addFirst(c);
      c.schedule(() -> {
        if (q.remove(c)) {
          c.quit();
        }
      }, smtp.idleTimeout());
    } else {
      c.quit();
    }
    limiters.get(lease.key()).release();
  }

  /** Closes every idle connection. */
  public void closeIdle() {
    idle.values().forEach(q -> {
      SmtpConnection c;
      while ((c = q.pollFirst()) != null) {
        c.quit();
      }
    });
  }

  public long opened() {
    return opened.get();
  }

  public long reusedCount() {
    return reused.get();
  }

  private CompletionStage<SmtpConnection> open(String host, InetSocketAddress address) {
    Duration cmd = smtp.commandTimeout();
    return SmtpConnection.connect(bootstrap, host, address, smtp.sourceAddress(), smtp.connectTimeout(), cmd)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(
            new ConnectFailure(DeliveryFailure.of(Kind.CONNECT_FAILED, Failures.detail(e)), Optional.empty(), false,
                Optional.empty())))
        .thenCompose(conn -> conn.greeting().thenCompose(g -> {
          if (g.code() != 220) {
            conn.quit();
            return fail("greeting", g, false);
          }
          return conn.ehlo(smtp.heloName());
        }).thenCompose(ehlo -> {
          if (!ehlo.isPositive()) {
            conn.quit();
            return fail("ehlo", ehlo, false);
          }
          if (!conn.offers("STARTTLS")) {
            conn.quit();
            return CompletableFuture.failedFuture(new ConnectFailure(DeliveryFailure.of(Kind.TLS_UNAVAILABLE,
                "starttls-not-offered"), Optional.of(ehlo), true, Optional.empty()));
          }
          return conn.startTls(sslContext, cmd).exceptionallyCompose(e -> {
            conn.quit();
            Throwable c = Failures.cause(e);
            return CompletableFuture.failedFuture(c instanceof java.io.IOException io && io.getMessage() != null
                && io.getMessage().startsWith("STARTTLS refused")
                ? new ConnectFailure(DeliveryFailure.of(Kind.TLS_UNAVAILABLE, "starttls-refused"), Optional.empty(), true, Optional.empty())
                : new ConnectFailure(DeliveryFailure.of(Kind.TLS_UNAVAILABLE, "starttls-failed:" + Failures.detail(e)), Optional.empty(),
                    true, Optional.empty()));
          }).thenCompose(tls -> conn.ehlo(smtp.heloName())).thenCompose(ehlo2 -> {
            if (!ehlo2.isPositive()) {
              conn.quit();
              return fail("ehlo-after-tls", ehlo2, false);
            }
            return CompletableFuture.completedFuture(conn);
          });
        }).exceptionallyCompose(e -> {
          conn.close();
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          return CompletableFuture.failedFuture(cause instanceof ConnectFailure cf ? cf
              : new ConnectFailure(Failures.classify(cause), Optional.empty(), false, Optional.empty()));
        }));
  }

  /** A refusal before any mail command: the server's reply decides the kind (4xx or 5xx), the step is the detail. */
  private static <T> CompletionStage<T> fail(String step, SmtpReply reply, boolean tls) {
    DeliveryFailure f = DeliveryFailure.of(reply.isPermanent() ? Kind.REMOTE_5XX : Kind.REMOTE_4XX, step + "-refused:" + reply.status());
    return CompletableFuture.failedFuture(new ConnectFailure(f, Optional.of(reply), tls, Optional.empty()));
  }
}
