package org.mailward.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemObject;

/** Test keys made at test time and written as encrypted PKCS#8 PEM files (never committed). */
public final class DkimTestKeys {
  public static final String PASSPHRASE = "test-only-passphrase";

  private DkimTestKeys() {}

  public static Path rsa(Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    return write(dir.resolve("rsa.pem"), PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()));
  }

  public static Path ed25519(Path dir) throws Exception {
    return ed25519Key(dir).pem();
  }

  /** An encrypted key file and the DNS TXT record ({@code v=DKIM1; k=...; p=...}) that publishes its public half. */
  public record KeyFiles(Path pem, String dnsRecord) {}

  /** An Ed25519 key (RFC 8463: the raw 32-byte public key in {@code p=}). */
  public static KeyFiles ed25519Key(Path dir) throws Exception {
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
    Path pem = write(dir.resolve("ed25519.pem"), PrivateKeyInfoFactory.createPrivateKeyInfo(key));
    String p = java.util.Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
    return new KeyFiles(pem, "v=DKIM1; k=ed25519; p=" + p);
  }

  public static Path write(Path file, PrivateKeyInfo info) throws IOException, OperatorCreationException, NoSuchAlgorithmException {
    var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
        .setPassword(PASSPHRASE.toCharArray()).build();
    PemObject pem = new PKCS8Generator(info, encryptor).generate();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(pem);
    }
    Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    return file;
  }
}
