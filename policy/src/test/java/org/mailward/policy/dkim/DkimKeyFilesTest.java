package org.mailward.policy.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.DkimKeys;
import org.mailward.api.TenantId;

/** Keys made for the admin API: encrypted, owner-only, never overwritten, and loadable into a signer with the same public key. */
class DkimKeyFilesTest {
  private static final TenantId CLINIC = new TenantId("clinic");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T21:00:00Z"), ZoneOffset.UTC);
  @TempDir Path dir;

  private DkimKeyFiles files(String passphrase) {
    return new DkimKeyFiles(dir.resolve("dkim"), passphrase::toCharArray, null, CLOCK);
  }

  @Test
  void anEd25519Key_isWrittenEncryptedAndOwnerOnly_andLoadsWithTheSamePublicKey() throws Exception {
    DkimKeys.Generated g = files("correct horse battery").generate(CLINIC, "clinic.example", "mw1", DkimKeys.Algorithm.ED25519);
    Path pem = dir.resolve("dkim/clinic/mw1._domainkey.clinic.example.pem");
    assertThat(Files.readString(pem)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem.getParent()))).isEqualTo("rwx------");
    assertThat(g.keyType()).isEqualTo("ed25519");
    assertThat(java.util.Base64.getDecoder().decode(g.publicKey())).as("RFC 8463: the raw public key").hasSize(32);
    DkimSigner signer = files("correct horse battery").signer(CLINIC, "clinic.example", "mw1", CLOCK);
    assertThat(signer.key().publicKeyBase64()).isEqualTo(g.publicKey());
    assertThat(signer.selector()).isEqualTo("mw1");
    assertThatThrownBy(() -> files("wrong passphrase!").signer(CLINIC, "clinic.example", "mw1", CLOCK))
        .hasMessageContaining("wrong passphrase");
  }

  @Test
  void anRsaKey_has2048Bits_andAnExistingSelectorIsNeverOverwritten() throws Exception {
    DkimKeyFiles f = files("correct horse battery");
    DkimKeys.Generated g = f.generate(CLINIC, "clinic.example", "rsa1", DkimKeys.Algorithm.RSA_2048);
    assertThat(g.keyType()).isEqualTo("rsa");
    DkimKey key = f.signer(CLINIC, "clinic.example", "rsa1", CLOCK).key();
    assertThat(((java.security.interfaces.RSAPrivateKey) ((DkimKey.Rsa) key).key()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(key.publicKeyBase64()).isEqualTo(g.publicKey());
    String before = Files.readString(f.file(CLINIC, "clinic.example", "rsa1"));
    assertThatThrownBy(() -> f.generate(CLINIC, "clinic.example", "rsa1", DkimKeys.Algorithm.ED25519))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(f.file(CLINIC, "clinic.example", "rsa1"))).isEqualTo(before);
    try (var left = Files.list(f.file(CLINIC, "clinic.example", "rsa1").getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("rsa1._domainkey.clinic.example.pem");
    }
  }

  @Test
  void theDnsRecord_splitsAnRsaKeyInto255ByteStrings() throws Exception {
    DkimKeys.Generated g = files("correct horse battery").generate(CLINIC, "clinic.example", "rsa2", DkimKeys.Algorithm.RSA_2048);
    String record = DkimKeys.dnsRecord("clinic.example", "rsa2", g.keyType(), g.publicKey());
    assertThat(record).startsWith("rsa2._domainkey.clinic.example. IN TXT \"v=DKIM1; k=rsa; p=");
    java.util.List<String> strings = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(record).results()
        .map(m -> m.group(1)).toList();
    assertThat(strings).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
    assertThat(String.join("", strings)).isEqualTo("v=DKIM1; k=rsa; p=" + g.publicKey());
  }
}
