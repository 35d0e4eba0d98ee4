package org.mailward.policy.dkim;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.mailward.api.DkimKeys;
import org.mailward.api.TenantId;
import org.mailward.policy.readiness.DomainReadiness;
import org.mailward.policy.readiness.ReadinessReport;

/**
 * DKIM keys made through the admin API ({@link DkimKeys}): Ed25519 (Bouncy Castle) or RSA-2048
 * (the JDK), each written as an encrypted PKCS#8 PEM ({@code ENCRYPTED PRIVATE KEY}, PBES2 with
 * AES-256-CBC and HMAC-SHA-256 — the form {@link DkimKey#load} reads) at
 * {@code keysDir/<tenant>/<selector>._domainkey.<domain>.pem}, owner-only (0600 in a 0700
 * directory), never overwritten. The file name is derived from what the control-plane record
 * holds, so a node finds the key a record names without a path in the record. The readiness
 * report is policy's {@link DomainReadiness}.
 */
public final class DkimKeyFiles implements DkimKeys {
  private static final int PBKDF_ITERATIONS = 210_000;
  private final Path keysDir;
  private final Supplier<char[]> passphrase;
  private final DomainReadiness readiness;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** @param passphrase the passphrase every key made here is encrypted under */
  public DkimKeyFiles(Path keysDir, Supplier<char[]> passphrase, DomainReadiness readiness, Clock clock) {
    this.keysDir = keysDir;
    this.passphrase = passphrase;
    this.readiness = readiness;
    this.clock = clock;
  }

  /** Where the key of this tenant, domain and selector lives. */
  public Path file(TenantId tenant, String domain, String selector) {
    return keysDir.resolve(tenant.value()).resolve(selector + "._domainkey." + domain + ".pem");
  }

  @Override
  public Generated generate(TenantId tenant, String domain, String selector, Algorithm algorithm) throws IOException {
    Path target = file(tenant, domain, selector);
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.getFileName().toString());
    }
    PrivateKeyInfo info;
    try {
      info = switch (algorithm) {
        case ED25519 -> PrivateKeyInfoFactory.createPrivateKeyInfo(new Ed25519PrivateKeyParameters(random));
        case RSA_2048 -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
          g.initialize(2048, random);
          yield PrivateKeyInfo.getInstance(g.generateKeyPair().getPrivate().getEncoded());
        }
      };
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a " + algorithm + " key", e);
    }
    DkimKey key = DkimKey.fromInfo(info);
    write(target, info);
    return new Generated(tenant, domain, selector, key.keyType(), key.publicKeyBase64(), clock.instant());
  }

  private void write(Path target, PrivateKeyInfo info) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path tmp = Files.createTempFile(dir, ".new-", ".pem", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    char[] pass = passphrase.get();
    try {
      var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
          .setPRF(PKCS8Generator.PRF_HMACSHA256).setIterationCount(PBKDF_ITERATIONS).setRandom(random).setPassword(pass).build();
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
        pem.writeObject(new PKCS8Generator(info, encryptor));
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (OperatorCreationException e) {
      throw new IOException("cannot encrypt the DKIM key", e);
    } finally {
      java.util.Arrays.fill(pass, '\0');
      Files.deleteIfExists(tmp);
    }
  }

  /** Loads the signer for a key this node has (made here, or copied from the node that made it). */
  public DkimSigner signer(TenantId tenant, String domain, String selector, Clock signingClock) throws IOException {
    char[] pass = passphrase.get();
    try {
      return new DkimSigner(domain, selector, DkimKey.load(file(tenant, domain, selector), pass), signingClock);
    } finally {
      java.util.Arrays.fill(pass, '\0');
    }
  }

  @Override
  public Readiness readiness(String domain, String selector, String publicKey, List<String> spfIps) {
    ReadinessReport r = readiness.check(domain, spfIps, selector, publicKey);
    String spf = r.spf().isEmpty() ? "not-checked" : r.spf().stream().allMatch(ReadinessReport.SpfResult::passes) ? "ok" : "problem";
    return new Readiness(domain, r.ready(), spf, r.dkim().name().toLowerCase(java.util.Locale.ROOT),
        r.dmarc().name().toLowerCase(java.util.Locale.ROOT), r.toText());
  }
}
