package org.mailward.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.testkit.TestCa;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

class PeerVerifierTest {
  private final TestCa ca = TestCa.create("verifier-test");
  private final TestCa otherCa = TestCa.create("other-ca");
  private final PeerVerifier verifier = new PeerVerifier(trustManager(ca));

  private static javax.net.ssl.X509TrustManager trustManager(TestCa ca) {
    return (javax.net.ssl.X509TrustManager) ca.trustManagers().getTrustManagers()[0];
  }

  private static TLSARecord tlsa(int usage, int selector, int matching, byte[] data) throws Exception {
    return new TLSARecord(Name.fromString("_25._tcp.mx.example.org."), DClass.IN, 60, usage, selector, matching, data);
  }

  @Test
  void pkix_acceptsTheRightName_andSaysWhyOtherwise() {
    TestCa.Issued good = ca.issue("mx.example.org");
    assertThat(verifier.pkix(List.of(good.certificate(), ca.certificate()), "mx.example.org").detail()).isEqualTo("pkix-ok");
    assertThat(verifier.pkix(List.of(good.certificate(), ca.certificate()), "mx.other.org").detail()).isEqualTo("pkix-name-mismatch");
    TestCa.Issued foreign = otherCa.issue("mx.example.org");
    assertThat(verifier.pkix(List.of(foreign.certificate(), otherCa.certificate()), "mx.example.org").ok()).isFalse();
    TestCa.Issued old = ca.issueExpired("mx.example.org");
    assertThat(verifier.pkix(List.of(old.certificate(), ca.certificate()), "mx.example.org").detail()).isEqualTo("pkix-expired");
  }

  @Test
  void wildcards_coverOneLabelOnly() {
    TestCa.Issued w = ca.issue("*.example.org");
    assertThat(PeerVerifier.nameMatches(w.certificate(), "mx.example.org")).isTrue();
    assertThat(PeerVerifier.nameMatches(w.certificate(), "a.mx.example.org")).isFalse();
    assertThat(PeerVerifier.nameMatches(w.certificate(), "example.org")).isFalse();
  }

  @Test
  void daneEe_matchesTheLeafKeyWhateverItsNameOrIssuer() throws Exception {
    TestCa.Issued leaf = otherCa.issue("unrelated.name");
    byte[] spki = MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getPublicKey().getEncoded());
    byte[] full = MessageDigest.getInstance("SHA-512").digest(leaf.certificate().getEncoded());
    assertThat(verifier.dane(List.of(leaf.certificate()), List.of(tlsa(3, 1, 1, spki)), "mx.example.org").detail())
        .isEqualTo("dane-ee-match");
    assertThat(verifier.dane(List.of(leaf.certificate()), List.of(tlsa(3, 0, 2, full)), "mx.example.org").ok()).isTrue();
    assertThat(verifier.dane(List.of(leaf.certificate()), List.of(tlsa(3, 1, 1, new byte[32])), "mx.example.org").detail())
        .isEqualTo("dane-mismatch");
  }

  @Test
  void daneTa_needsTheAnchorToSignTheChain_andTheHostName() throws Exception {
    TestCa.Issued leaf = ca.issue("mx.example.org");
    byte[] caHash = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
    List<java.security.cert.X509Certificate> chain = List.of(leaf.certificate(), ca.certificate());
    assertThat(verifier.dane(chain, List.of(tlsa(2, 0, 1, caHash)), "mx.example.org").detail()).isEqualTo("dane-ta-match");
    assertThat(verifier.dane(chain, List.of(tlsa(2, 0, 1, caHash)), "other.example.org").ok()).isFalse();
    TestCa.Issued foreign = otherCa.issue("mx.example.org");
    assertThat(verifier.dane(List.of(foreign.certificate(), ca.certificate()), List.of(tlsa(2, 0, 1, caHash)), "mx.example.org").ok())
        .isFalse();
  }

  @Test
  void pkixUsages_areUnusableForSmtp() throws Exception {
    TestCa.Issued leaf = ca.issue("mx.example.org");
    byte[] spki = MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getPublicKey().getEncoded());
    assertThat(PeerVerifier.anyUsable(List.of(tlsa(1, 1, 1, spki)))).isFalse();
    assertThat(verifier.dane(List.of(leaf.certificate()), List.of(tlsa(1, 1, 1, spki)), "mx.example.org").detail())
        .isEqualTo("dane-no-usable-tlsa");
  }
}
