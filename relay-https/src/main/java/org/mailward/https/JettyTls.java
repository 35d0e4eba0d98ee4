// The TLS of Mailward's HTTPS listeners (portal's one-click unsubscribe endpoint, the
// admin API), written once so both offer the same: TLS 1.3 and 1.2 only, AEAD cipher
// suites with forward secrecy only, no renegotiation, no SNI requirement, and a
// connector with one acceptor and one selector. Does not: load keys from PEM files,
// choose addresses or ports, or know any Mailward module (it sits below them).
package org.mailward.https;

import java.security.KeyStore;
import java.util.List;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Static helpers only: Jetty's own types carry the state. */
public final class JettyTls {
  /** The protocols offered, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** AEAD ciphers with forward secrecy only (Jetty reads these as patterns): TLS 1.3 suites and ECDHE GCM/ChaCha20. */
  public static final List<String> CIPHERS = List.of("^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$",
      "^TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$");

  private JettyTls() {}

  /**
   * A server context over {@code keyStore}, whose key entry {@code password} protects; the
   * caller may add a trust store and client-certificate settings before the connector starts.
   */
  public static SslContextFactory.Server serverContext(KeyStore keyStore, char[] password) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(keyStore);
    ssl.setKeyStorePassword(new String(password));
    ssl.setKeyManagerPassword(new String(password));
    ssl.setIncludeProtocols(PROTOCOLS.toArray(String[]::new));
    ssl.setIncludeCipherSuites(CIPHERS.toArray(String[]::new));
    ssl.setRenegotiationAllowed(false);
    ssl.setSniRequired(false);
    return ssl;
  }

  /** Marks requests over TLS as secure; host names are not checked against the certificate (SNI is not required). */
  public static void secureRequests(HttpConfiguration http) {
    http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
  }

  /** An HTTP/1.1-over-TLS connector with one acceptor and one selector; the caller sets host, port and idle timeout. */
  public static ServerConnector connector(Server server, HttpConfiguration http, SslContextFactory.Server ssl) {
    return new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
        new HttpConnectionFactory(http));
  }
}
