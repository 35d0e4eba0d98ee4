package org.mailward.admin;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.TokenThrottle;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.https.JettyTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's own HTTP listener: Javalin on Jetty 12, like the portal. Loopback and plain
 * HTTP by default; with a key store, the portal's TLS (relay-https's JettyTls: 1.2/1.3, AEAD only), and with
 * a trust store, client certificates (wanted or required). Every route goes through one gate:
 * throttled address → 429, no or unknown token → 401, role not allowed → 403; then the handler,
 * whose {@link ApiProblem}s become RFC 9457 responses. Handlers run on Jetty's bounded worker pool.
 * No request log: paths may hold an address.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  /** How client certificates are treated when a trust store is given. */
  public enum ClientAuth { NONE, WANT, NEED }

  /**
   * @param tls the server's key store (PKCS#12 in memory) and its password; empty: plain HTTP (loopback only)
   * @param clientTrust CA certificates client certificates must chain to
   */
  public record Settings(String address, int port, Optional<KeyStore> tls, char[] tlsPassword, Optional<KeyStore> clientTrust,
      ClientAuth clientAuth, long maxBodyBytes, int threads, Duration idleTimeout) {
    public Settings {
      if (port < 0 || port > 65535 || threads < 4 || maxBodyBytes < 1024) {
        throw new IllegalArgumentException("port 0..65535, threads >= 4, maxBodyBytes >= 1024");
      }
      if (tls.isEmpty() && !loopback(address)) {
        throw new IllegalArgumentException("the admin API listens on a non-loopback address only with TLS");
      }
    }

    public static Settings loopback(int port) {
      return new Settings("127.0.0.1", port, Optional.empty(), new char[0], Optional.empty(), ClientAuth.NONE, 64L << 20, 8,
          Duration.ofSeconds(60));
    }

    static boolean loopback(String address) {
      try {
        return InetAddress.getByName(address).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }

  private final Settings settings;
  private final Javalin app;
  private ServerConnector connector;

  public AdminServer(Settings settings, List<Route> routes, AdminTokens tokens, TokenThrottle throttle) {
    this.settings = settings;
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.http.generateEtags = false;
      QueuedThreadPool pool = new QueuedThreadPool(settings.threads(), 2);
      pool.setName("mailward-admin");
      config.jetty.threadPool = pool;
      config.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (settings.tls().isPresent()) {
          JettyTls.secureRequests(http);
        }
      });
      config.jetty.addConnector((server, http) -> {
        ServerConnector c = settings.tls().isPresent()
            ? JettyTls.connector(server, http, sslContext(settings))
            : new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        c.setHost(settings.address());
        c.setPort(settings.port());
        c.setIdleTimeout(settings.idleTimeout().toMillis());
        this.connector = c;
        return c;
      });
      config.routes.before(ctx -> {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
      });
      for (Route r : routes) {
        config.routes.addHttpHandler(r.method(), r.path(), ctx -> {
          Principal caller = null;
          if (!r.open()) {
            String ip = ctx.ip();
            if (throttle.locked(ip)) {
              throw ApiProblem.throttled();
            }
            String auth = ctx.header("Authorization");
            Optional<Principal> p = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? tokens.authenticate(auth.substring(7).trim()) : Optional.empty();
            if (p.isEmpty()) {
              throttle.failed(ip);
              throw ApiProblem.unauthorized();
            }
            caller = p.get();
            if (!r.roles().contains(caller.role())) {
              throw ApiProblem.forbidden();
            }
          }
          r.handler().handle(ctx, caller);
        });
      }
      config.routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty() || !"application/problem+json".equals(ctx.contentType())) {
          Json.problem(ctx, ApiProblem.notFound("This route"));
        }
      });
      config.routes.exception(ApiProblem.class, (e, ctx) -> Json.problem(ctx, e));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> Json.problem(ctx,
          e.getStatus() == 413 ? ApiProblem.tooLarge("The request body is larger than this server accepts.")
              : e.getStatus() == 404 ? ApiProblem.notFound("This route") : ApiProblem.badField("request", "bad request")));
      config.routes.exception(org.mailward.admin.controlplane.KeyValueControlPlaneLog.NotApplied.class, (e, ctx) -> {
        LOG.error("admin change not applied: {}", e.getMessage());
        Json.problem(ctx, ApiProblem.internal());
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        LOG.warn("admin request {} {} failed: {}", ctx.method(), ctx.endpoint() == null ? "?" : ctx.endpoint().path,
            e.toString());
        Json.problem(ctx, ApiProblem.internal());
      });
    });
  }

  private static SslContextFactory.Server sslContext(Settings s) {
    SslContextFactory.Server ssl = JettyTls.serverContext(s.tls().orElseThrow(), s.tlsPassword());
    s.clientTrust().ifPresent(trust -> {
      ssl.setTrustStore(trust);
      ssl.setNeedClientAuth(s.clientAuth() == ClientAuth.NEED);
      ssl.setWantClientAuth(s.clientAuth() == ClientAuth.WANT);
    });
    return ssl;
  }

  public InetSocketAddress start() {
    app.start();
    InetSocketAddress bound = new InetSocketAddress(settings.address(), connector.getLocalPort());
    LOG.info("admin API listening on {}://{}:{}", settings.tls().isPresent() ? "https" : "http", bound.getHostString(),
        bound.getPort());
    return bound;
  }

  public boolean running() {
    return connector != null && connector.isRunning();
  }

  @Override
  public void close() {
    app.stop();
  }
}
