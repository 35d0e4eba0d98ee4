package org.mailward.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.TestCa;

class PemKeyStoreTest {
  @TempDir Path dir;

  @Test
  void chainAndKey_becomeOneKeyEntry_leafFirst() throws Exception {
    TestCa ca = TestCa.create("pem-test");
    TestCa.PemFiles pem = ca.issue("portal.test").write(dir, "portal");
    PemKeyStore.Loaded loaded = PemKeyStore.load(pem.certificate(), pem.key());
    var chain = loaded.keyStore().getCertificateChain(PemKeyStore.ALIAS);
    assertThat(chain).hasSize(2);
    assertThat(((X509Certificate) chain[0]).getSubjectX500Principal().getName()).contains("portal.test");
    assertThat(loaded.keyStore().getKey(PemKeyStore.ALIAS, loaded.password())).isNotNull();
  }

  @Test
  void aKeyFileWithoutAKey_isRefused_namingTheFile() throws IOException {
    TestCa.PemFiles pem = TestCa.create("pem-test").issue("portal.test").write(dir, "portal");
    assertThatThrownBy(() -> PemKeyStore.load(pem.certificate(), pem.certificate()))
        .isInstanceOf(IOException.class).hasMessageContaining("portal.crt").hasMessageContaining("no PEM private key");
  }

  @Test
  void aCertificateFileWithoutACertificate_isRefused() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.crt"), "");
    TestCa.PemFiles pem = TestCa.create("pem-test").issue("portal.test").write(dir, "portal");
    assertThatThrownBy(() -> PemKeyStore.load(empty, pem.key()))
        .isInstanceOf(IOException.class).hasMessageContaining("no PEM certificate");
  }
}

