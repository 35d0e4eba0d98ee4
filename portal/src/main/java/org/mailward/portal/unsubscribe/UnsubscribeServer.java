package org.mailward.portal.unsubscribe;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.mailward.api.AuditJournal;
import org.mailward.https.JettyTls;
import org.mailward.portal.Pages;
import org.mailward.portal.PemKeyStore;
import org.mailward.portal.Problem;
import org.mailward.portal.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server for one-click unsubscribe links ({@code https://BASE/u/TOKEN}): Javalin on
 * Jetty 12, one TLS connector (relay-https's JettyTls: TLS 1.2 and 1.3, AEAD ciphers with forward secrecy) built from the
 * same PEM files as the inbound SMTP server, security headers on every response, small request
 * limits, and no route but {@code GET} and {@code POST /u/{token}} (everything else: 404
 * problem). Handlers run on Jetty's bounded worker pool, never on a selector thread. It serves
 * no secure-message pages yet (that is the portal's next wave) and does not reload certificates.
 */
public final class UnsubscribeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeServer.class);

  /**
   * @param address the address to bind (e.g. {@code 127.0.0.1}, {@code 0.0.0.0})
   * @param port 0 for any free port
   * @param certificate PEM certificate chain, leaf first
   * @param key PEM private key, unencrypted
   * @param maxRequestBytes largest request body accepted (413 beyond)
   * @param threads Jetty's worker pool size (includes its acceptor and selector)
   * @param idleTimeout idle connections are closed after this
   */
  public record Settings(String address, int port, Path certificate, Path key, int maxRequestBytes, int threads,
      Duration idleTimeout) {
    public Settings {
      if (port < 0 || port > 65535 || maxRequestBytes < 64 || threads < 4) {
        throw new IllegalArgumentException("port 0..65535, maxRequestBytes >= 64, threads >= 4");
      }
    }

    /** 4 KB bodies, 16 threads, 30 s idle timeout. */
    public static Settings of(String address, int port, Path certificate, Path key) {
      return new Settings(address, port, certificate, key, 4096, 16, Duration.ofSeconds(30));
    }
  }

  private final Settings settings;
  private final Javalin app;
  private ServerConnector connector;

  public UnsubscribeServer(Settings settings, Unsubscriber unsubscriber, EspForwarder forwarder, AuditJournal audit,
      Clock clock) throws IOException {
    this.settings = settings;
    PemKeyStore.Loaded tls = PemKeyStore.load(settings.certificate(), settings.key());
    UnsubscribeEndpoint endpoint = new UnsubscribeEndpoint(unsubscriber, forwarder, audit, clock);
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = settings.maxRequestBytes();
      config.http.generateEtags = false;
      QueuedThreadPool pool = new QueuedThreadPool(settings.threads(), 2);
      pool.setName("mailward-unsubscribe");
      config.jetty.threadPool = pool;
      config.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8192);
        JettyTls.secureRequests(http);
      });
      config.jetty.addConnector((server, http) -> {
        ServerConnector c = JettyTls.connector(server, http, JettyTls.serverContext(tls.keyStore(), tls.password()));
        c.setHost(settings.address());
        c.setPort(settings.port());
        c.setIdleTimeout(settings.idleTimeout().toMillis());
        this.connector = c;
        return c;
      });
      config.routes.before(ctx -> {
        for (Map.Entry<String, String> h : Pages.SECURITY_HEADERS) {
          ctx.header(h.getKey(), h.getValue());
        }
        if (ctx.contentLength() > settings.maxRequestBytes()) {
          throw new HttpResponseException(413, "too large");
        }
      });
      config.routes.get("/u/{token}", endpoint::get);
      config.routes.post("/u/{token}", endpoint::post);
      config.routes.error(404, ctx -> Responses.problem(ctx, Problem.NOT_FOUND));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> Responses.problem(ctx,
          e.getStatus() == 413 ? Problem.TOO_LARGE : e.getStatus() == 404 ? Problem.NOT_FOUND
              : Problem.of(e.getStatus(), "bad-request", "Bad request", "The request could not be understood.")));
      config.routes.exception(Exception.class, (e, ctx) -> {
        LOG.warn("unsubscribe request failed: {}", e.getClass().getName());
        Responses.problem(ctx, Problem.INTERNAL);
      });
    });
  }

  /** Binds and starts serving; returns the bound address (the real port when 0 was asked). */
  public InetSocketAddress start() {
    app.start();
    InetSocketAddress bound = new InetSocketAddress(settings.address(), connector.getLocalPort());
    LOG.info("unsubscribe endpoint listening on https://{}:{}", bound.getHostString(), bound.getPort());
    return bound;
  }

  @Override
  public void close() {
    app.stop();
  }
}
