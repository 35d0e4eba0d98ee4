package org.mailward.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.TestCa;

/** The trust-anchor file is read as PEM or PKCS#12 by what it contains, and errors name the key. */
class TrustAnchorsTest {
  @TempDir
  Path dir;
  private final TestCa ca = TestCa.create("anchors-test-ca");

  private Path pkcs12(String password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("test-ca", ca.certificate());
    Path p = dir.resolve("anchors-" + System.nanoTime() + ".bin");
    try (OutputStream out = Files.newOutputStream(p)) {
      ks.store(out, password.toCharArray());
    }
    return p;
  }

  private void trustsTheCa(TrustAnchors anchors) throws Exception {
    assertThat(anchors.trustManager().getAcceptedIssuers()).containsExactly(ca.certificate());
    TestCa.Issued leaf = ca.issue("mx.example.org");
    anchors.trustManager().checkServerTrusted(new java.security.cert.X509Certificate[] {leaf.certificate(), ca.certificate()},
        "ECDHE_RSA");
  }

  @Test
  void aPkcs12TrustStore_isRecognisedByItsContent_whateverTheFileIsCalled() throws Exception {
    Path p = pkcs12("changeit");
    assertThat(TrustAnchors.isPkcs12(Files.readAllBytes(p))).isTrue();
    trustsTheCa(TrustAnchors.load(Optional.of(p), Optional.of("changeit")));
  }

  @Test
  void aPemBundle_stillWorks() throws Exception {
    Path pem = ca.writeCaPem(dir.resolve("ca.pem"));
    assertThat(TrustAnchors.isPkcs12(Files.readAllBytes(pem))).isFalse();
    trustsTheCa(TrustAnchors.load(Optional.of(pem), Optional.empty()));
  }

  @Test
  void aWrongPassword_orAFileWithoutCertificates_stopsStartUpNamingTheKey() throws Exception {
    Path p = pkcs12("changeit");
    assertThatThrownBy(() -> TrustAnchors.load(Optional.of(p), Optional.of("wrong")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delivery.tls.trustAnchors");
    Path junk = Files.write(dir.resolve("junk.pem"), List.of("not a certificate"));
    assertThatThrownBy(() -> TrustAnchors.load(Optional.of(junk), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delivery.tls.trustAnchors");
  }
}
