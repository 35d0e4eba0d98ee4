package org.mailward.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time (nothing is committed). Issues
 * server certificates for host names and IP addresses, valid, expired or for the
 * wrong name, and writes them as PEM files that Postfix, aiosmtpd, nginx and
 * Mailward read alike.
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private TestCa(KeyPair caKeys, X509Certificate caCert) {
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** A fresh CA with an EC P-256 key. */
  public static TestCa create(String name) {
    try {
      KeyPair keys = ecKeys();
      X500Name subject = new X500Name("CN=" + name + ",O=Mailward Test");
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new TestCa(keys, sign(b, keys.getPrivate()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create test CA", e);
    }
  }

  public X509Certificate certificate() {
    return caCert;
  }

  /** Issues a server certificate valid now for the given DNS names and/or IP literals. */
  public Issued issue(String... names) {
    Instant now = Instant.now();
    return issue(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)), names);
  }

  /** Issues a certificate that expired yesterday. */
  public Issued issueExpired(String... names) {
    Instant now = Instant.now();
    return issue(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), names);
  }

  public Issued issue(Instant notBefore, Instant notAfter, String... names) {
    try {
      KeyPair keys = ecKeys();
      List<GeneralName> sans = new ArrayList<>();
      for (String n : names) {
        boolean ip = n.matches("[0-9.]+") || n.contains(":");
        sans.add(ip ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
            : new GeneralName(GeneralName.dNSName, n));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(notBefore), Date.from(notAfter),
          new X500Name("CN=" + names[0]), keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      return new Issued(sign(b, caKeys.getPrivate()), keys.getPrivate(), caCert);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue test certificate", e);
    }
  }

  /** Writes the CA certificate as PEM. */
  public Path writeCaPem(Path file) throws IOException {
    Files.writeString(file, pem(caCert));
    return file;
  }

  /** A trust store holding only this CA. */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("test-ca", caCert);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public TrustManagerFactory trustManagers() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      return tmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A leaf certificate with its key and issuing CA. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {
    /** Certificate chain (leaf then CA) as PEM. */
    public String chainPem() throws IOException {
      return pem(certificate) + pem(ca);
    }

    /** PKCS#8 private key as PEM. */
    public String keyPem() throws IOException {
      return pem(key);
    }

    /** Writes {@code name.crt} (chain) and {@code name.key} (mode 0600) into {@code dir}. */
    public PemFiles write(Path dir, String name) throws IOException {
      Files.createDirectories(dir);
      Path crt = dir.resolve(name + ".crt");
      Path key = dir.resolve(name + ".key");
      Files.writeString(crt, chainPem(), StandardCharsets.US_ASCII);
      Files.writeString(key, keyPem(), StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // non-POSIX file system: tests only
      }
      return new PemFiles(crt, key);
    }
  }

  /** Paths of a written certificate chain and key. */
  public record PemFiles(Path certificate, Path key) {}

  static String pem(Object o) throws IOException {
    Writer w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o instanceof PrivateKey pk ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pk, null) : o);
    }
    return w.toString();
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256, new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
