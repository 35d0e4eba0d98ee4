package org.mailward.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CA certificates VERIFY-level delivery and MTA-STS policy fetches trust: a
 * PEM bundle from configuration, or the JDK's cacerts when none is given.
 * Loaded once at start; a bad file stops start-up naming the key.
 */
public final class TrustAnchors {
  private final TrustManagerFactory factory;

  private TrustAnchors(TrustManagerFactory factory) {
    this.factory = factory;
  }

  public static TrustAnchors load(Optional<Path> pemBundle) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (pemBundle.isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pemBundle.get())) {
          int i = 0;
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ks.setCertificateEntry("ca-" + i++, c);
          }
          if (i == 0) {
            throw new IllegalArgumentException("delivery.tls.trustAnchorsPem: no certificate in " + pemBundle.get());
          }
        }
        tmf.init(ks);
      }
      return new TrustAnchors(tmf);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("delivery.tls.trustAnchorsPem: cannot load " + pemBundle.orElse(null) + ": " + e.getMessage(), e);
    }
  }

  public X509TrustManager trustManager() {
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }

  /** A JDK SSLContext for HTTPS (MTA-STS policy fetches), TLS 1.2+. */
  public SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, factory.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
