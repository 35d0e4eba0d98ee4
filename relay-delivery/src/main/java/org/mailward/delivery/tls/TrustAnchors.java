package org.mailward.delivery.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CA certificates VERIFY-level delivery and MTA-STS policy fetches trust:
 * a file from configuration — a PEM bundle, or a PKCS#12 trust store, told
 * apart by content (PEM is text with "-----BEGIN"; PKCS#12 is DER, starting
 * with a SEQUENCE) — or the JDK's cacerts when none is given. Only trusted
 * certificate entries count (a PKCS#12 file's key entries are not anchors).
 * Loaded once at start; a bad file stops start-up naming the key.
 */
public final class TrustAnchors {
  private static final String KEY = "delivery.tls.trustAnchors";
  private final TrustManagerFactory factory;

  private TrustAnchors(TrustManagerFactory factory) {
    this.factory = factory;
  }

  public static TrustAnchors load(Optional<Path> file) {
    return load(file, Optional.empty());
  }

  /** @param password of a PKCS#12 store (integrity check); ignored for PEM */
  public static TrustAnchors load(Optional<Path> file, Optional<String> password) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (file.isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        byte[] content = Files.readAllBytes(file.get());
        KeyStore ks = isPkcs12(content) ? pkcs12(content, password) : pem(content);
        if (ks.size() == 0) {
          throw new IllegalArgumentException(KEY + ": no trusted certificate in " + file.get());
        }
        tmf.init(ks);
      }
      return new TrustAnchors(tmf);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(KEY + ": cannot load " + file.orElse(null) + ": " + e.getMessage(), e);
    }
  }

  /** DER: a SEQUENCE tag (0x30) and a long-form length; PEM bundles are text. */
  static boolean isPkcs12(byte[] content) {
    return content.length > 4 && (content[0] & 0xff) == 0x30 && (content[1] & 0xff) >= 0x80
        && !new String(content, 0, Math.min(content.length, 64), StandardCharsets.ISO_8859_1).contains("-----BEGIN");
  }

  private static KeyStore pem(byte[] content) throws IOException, GeneralSecurityException {
    KeyStore ks = emptyStore();
    int i = 0;
    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content))) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    return ks;
  }

  private static KeyStore pkcs12(byte[] content, Optional<String> password) throws IOException, GeneralSecurityException {
    KeyStore p12 = KeyStore.getInstance("PKCS12");
    try (InputStream in = new ByteArrayInputStream(content)) {
      p12.load(in, password.filter(p -> !p.isEmpty()).map(String::toCharArray).orElse(null));
    }
    KeyStore ks = emptyStore();
    for (String alias : Collections.list(p12.aliases())) {
      if (p12.isCertificateEntry(alias)) {
        ks.setCertificateEntry(alias, p12.getCertificate(alias));
      }
    }
    return ks;
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    return ks;
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
