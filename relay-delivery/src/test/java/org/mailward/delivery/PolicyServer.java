package org.mailward.delivery;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.mailward.testkit.TestCa;

/**
 * An HTTPS server (the JDK's) serving MTA-STS policies at
 * {@code /.well-known/mta-sts.txt}, chosen by the Host header, with a
 * certificate from the test CA. Counts fetches so tests can see caching.
 */
public final class PolicyServer implements AutoCloseable {
  private final HttpsServer server;
  public final Map<String, String> policies = new ConcurrentHashMap<>();
  public final Map<String, Integer> fetches = new ConcurrentHashMap<>();

  public PolicyServer(String host, TestCa.Issued cert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", cert.key(), "pw".toCharArray(), new Certificate[] {cert.certificate(), cert.ca()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "pw".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(host, 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext("/.well-known/mta-sts.txt", ex -> {
      String h = ex.getRequestHeaders().getFirst("Host");
      String domain = h == null ? "" : h.replaceFirst(":.*", "").replaceFirst("^mta-sts\\.", "");
      fetches.merge(domain, 1, Integer::sum);
      String body = policies.get(domain);
      byte[] b = (body == null ? "no policy" : body).getBytes(StandardCharsets.US_ASCII);
      ex.getResponseHeaders().add("Content-Type", "text/plain");
      ex.sendResponseHeaders(body == null ? 404 : 200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
  }
}
