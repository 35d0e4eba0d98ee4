package org.mailward.bench.load;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/** A fresh RSA-2048 DKIM key for the P2 leg, written as an encrypted PKCS#8 PEM (mode 0600). Never committed. */
final class DkimKey {
  private DkimKey() {}

  static Path write(Path file, String passphrase) throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      PrivateKey key = g.generateKeyPair().getPrivate();
      var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setProvider(new BouncyCastleProvider())
          .setPassword(passphrase.toCharArray())
          .build();
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
        pem.writeObject(new JcaPKCS8Generator(key, encryptor));
      }
      Files.writeString(file, w.toString());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the DKIM key", e);
    }
  }
}
