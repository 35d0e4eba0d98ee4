package org.mailward.bench.load;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;
import org.mailward.testkit.TestCa;

/**
 * TLS contexts for the load tools: BoringSSL when netty-tcnative loads, JDK
 * otherwise; TLS 1.2/1.3. The client trusts any certificate (it measures
 * relays on loopback, it does not check them); the sink serves a certificate
 * from a CA made at start. Nothing is written to disk.
 */
final class LoadTls {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private LoadTls() {}

  static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  static SslContext client() {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(provider())
          .protocols(PROTOCOLS)
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the client TLS context", e);
    }
  }

  /** A server context with a fresh certificate for {@code localhost} and 127.0.0.1. */
  static SslContext selfSignedServer() {
    TestCa.Issued cert = TestCa.create("Mailward load sink CA").issue("localhost", "127.0.0.1");
    try {
      return SslContextBuilder.forServer(cert.key(), cert.certificate(), cert.ca())
          .sslProvider(provider())
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the sink TLS context", e);
    }
  }
}
