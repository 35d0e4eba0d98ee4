package org.mailward.portal.unsubscribe;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.mailward.api.AuditJournal;
import org.mailward.portal.Pages;
import org.mailward.portal.PemKeyStore;
import org.mailward.portal.Problem;
import org.mailward.portal.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server for one-click unsubscribe links ({@code https://BASE/u/TOKEN}): Javalin on
 * Jetty 12, one TLS connector (TLS 1.2 and 1.3, AEAD ciphers with forward secrecy) built from the
 * same PEM files as the inbound SMTP server, security headers on every response, small request
 * limits, and no route but {@code GET} and {@code POST /u/{token}} (everything else: 404
 * problem). Handlers run on Jetty's bounded worker pool, never on a selector thread. It serves
 * no secure-message pages yet (that is the portal's next wave) and does not reload certificates.
 */
public final class UnsubscribeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeServer.class);
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** AEAD ciphers with forward secrecy only (Jetty reads these as patterns): TLS 1.3 suites and ECDHE GCM/ChaCha20. */
  static final List<String> CIPHERS = List.of("^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$",
      "^TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$");

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
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
      });
      config.jetty.addConnector((server, http) -> {
        ServerConnector c = new ServerConnector(server, 1, 1,
            new SslConnectionFactory(sslContext(tls), HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
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

  private static SslContextFactory.Server sslContext(PemKeyStore.Loaded tls) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(tls.keyStore());
    ssl.setKeyStorePassword(new String(tls.password()));
    ssl.setKeyManagerPassword(new String(tls.password()));
    ssl.setIncludeProtocols(PROTOCOLS.toArray(String[]::new));
    ssl.setIncludeCipherSuites(CIPHERS.toArray(String[]::new));
    ssl.setRenegotiationAllowed(false);
    ssl.setSniRequired(false);
    return ssl;
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
