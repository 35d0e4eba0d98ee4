package org.mailward.portal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Builds an in-memory PKCS#12 key store from PEM files (the same files the inbound SMTP server
 * reads): a certificate chain, leaf first, and an unencrypted private key (PKCS#8, or the
 * traditional EC/RSA forms). Nothing is written to disk. Encrypted keys are refused with a
 * message that names the file.
 */
public final class PemKeyStore {
  /** The alias the key entry is stored under. */
  public static final String ALIAS = "server";

  private PemKeyStore() {}

  /** The key store and the random password protecting its key entry (Jetty needs both). */
  public record Loaded(KeyStore keyStore, char[] password) {}

  public static Loaded load(Path certificateChain, Path privateKey) throws IOException {
    List<X509Certificate> chain = certificates(certificateChain);
    PrivateKey key = privateKey(privateKey);
    try {
      char[] password = randomPassword();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(ALIAS, key, password, chain.toArray(X509Certificate[]::new));
      return new Loaded(ks, password);
    } catch (GeneralSecurityException e) {
      throw new IOException("certificate " + certificateChain + " does not match key " + privateKey + ": " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(Path file) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          chain.add(converter.getCertificate(h));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": unreadable certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IOException(file + ": no PEM certificate found");
    }
    return chain;
  }

  static PrivateKey privateKey(Path file) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o.getClass().getSimpleName().contains("Encrypted")) {
          throw new IOException(file + ": encrypted private keys are not supported; give an unencrypted PEM key (mode 0600)");
        }
      }
    }
    throw new IOException(file + ": no PEM private key found");
  }

  private static char[] randomPassword() {
    byte[] b = new byte[18];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.Base64.getEncoder().encodeToString(b).toCharArray();
  }
}
