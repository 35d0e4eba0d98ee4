package org.mailward.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MtaStsPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void enforcePolicy_isParsed_andItsMaxAgeIsCapped() {
    MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n",
        "abc", NOW, 3600).orElseThrow();
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.mxPatterns()).containsExactly("mail.example.com", "*.example.net");
    assertThat(p.expires()).isEqualTo(NOW.plusSeconds(3600));
  }

  @Test
  void wildcard_matchesExactlyOneLeftmostLabel() {
    MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: *.example.net\r\nmax_age: 60\r\n", "1", NOW, 86400)
        .orElseThrow();
    assertThat(p.allows("mx1.example.net")).isTrue();
    assertThat(p.allows("MX1.Example.NET")).isTrue();
    assertThat(p.allows("a.b.example.net")).isFalse();
    assertThat(p.allows("example.net")).isFalse();
  }

  @Test
  void invalidPolicies_areRejected() {
    assertThat(MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n", "1", NOW, 1)).isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n", "1", NOW, 1)).isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n", "1", NOW, 1)).isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a\n", "1", NOW, 1)).isEmpty();
  }

  @Test
  void txtRecordId_isExtracted_onlyWhenWellFormed() {
    assertThat(MtaSts.idOf("v=STSv1; id=20160831085700Z;")).contains("20160831085700Z");
    assertThat(MtaSts.idOf("v=STSv1; id=bad-id!")).isEmpty();
    assertThat(MtaSts.idOf("v=STSv1")).isEmpty();
  }
}
