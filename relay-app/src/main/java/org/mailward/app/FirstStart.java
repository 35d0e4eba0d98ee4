package org.mailward.app;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What the first start of an embedded relay creates under the data directory:
 * a self-signed certificate for the inbound listeners and random secret files,
 * all private files with mode 0600 and their directories 0700. Existing files
 * are never replaced.
 */
final class FirstStart {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  private FirstStart() {}

  /** Creates {@code dir/server.crt} and {@code dir/server.key} unless both exist; returns their paths. */
  static Path[] selfSignedCertificate(Path dir, String hostname, Clock clock) throws IOException {
    Path crt = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    if (Files.exists(crt) && Files.exists(key)) {
      return new Path[] {crt, key};
    }
    privateDirectory(dir);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256, new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      Instant now = clock.instant();
      X500Name name = new X500Name("CN=" + hostname + ",O=Mailward self-signed");
      List<GeneralName> sans = new ArrayList<>();
      sans.add(new GeneralName(GeneralName.dNSName, hostname));
      if (!hostname.equals("localhost")) {
        sans.add(new GeneralName(GeneralName.dNSName, "localhost"));
      }
      sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))), name, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      var cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      writePrivate(key, pem(new JcaPKCS8Generator(kp.getPrivate(), null)).getBytes(StandardCharsets.US_ASCII));
      Files.writeString(crt, pem(cert), StandardCharsets.US_ASCII);
      return new Path[] {crt, key};
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot generate the self-signed certificate", e);
    }
  }

  /** Reads a secret file, creating it with {@code bytes} random bytes (mode 0600) when absent. */
  static byte[] secret(Path file, int bytes) throws IOException {
    if (Files.exists(file)) {
      byte[] s = Files.readAllBytes(file);
      if (s.length < 16) {
        throw new IOException(file + " holds fewer than 16 bytes; delete it to generate a new secret");
      }
      return s;
    }
    privateDirectory(file.getParent());
    byte[] s = new byte[bytes];
    new SecureRandom().nextBytes(s);
    writePrivate(file, s);
    return s;
  }

  static void privateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      setPermissions(dir, OWNER_DIR);
    }
  }

  static void writePrivate(Path file, byte[] content) throws IOException {
    Files.createFile(file);
    setPermissions(file, OWNER_ONLY);
    Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void setPermissions(Path p, Set<PosixFilePermission> perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, perms);
    } catch (UnsupportedOperationException e) {
      // non-POSIX file system: nothing stronger to do here
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }
}
