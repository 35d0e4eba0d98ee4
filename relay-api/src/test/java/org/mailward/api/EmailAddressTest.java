package org.mailward.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailAddressTest {

  @Test
  void parse_acceptsDotAtomAndQuotedLocalParts_andLowercasesDomain() {
    assertThat(EmailAddress.parse("Jane.Doe+news@Example.ORG", false)).hasValueSatisfying(a -> {
      assertThat(a.localPart()).isEqualTo("Jane.Doe+news");
      assertThat(a.domain()).isEqualTo("example.org");
      assertThat(a.normalized()).isEqualTo("jane.doe+news@example.org");
    });
    assertThat(EmailAddress.parse("\"john smith\"@example.org", false)).isPresent();
    assertThat(EmailAddress.parse("postmaster@[127.0.0.1]", false)).isPresent();
  }

  @Test
  void parse_refusesMalformedAddresses() {
    assertThat(EmailAddress.parse("no-at-sign", false)).isEmpty();
    assertThat(EmailAddress.parse("a..b@example.org", false)).isEmpty();
    assertThat(EmailAddress.parse(".a@example.org", false)).isEmpty();
    assertThat(EmailAddress.parse("a@-example.org", false)).isEmpty();
    assertThat(EmailAddress.parse("a@example..org", false)).isEmpty();
    assertThat(EmailAddress.parse("a b@example.org", false)).isEmpty();
    assertThat(EmailAddress.parse("x".repeat(65) + "@example.org", false)).isEmpty();
  }

  @Test
  void internationalAddresses_needUtf8() {
    assertThat(EmailAddress.parse("josé@exámple.org", false)).isEmpty();
    assertThat(EmailAddress.parse("josé@exámple.org", true)).hasValueSatisfying(a -> assertThat(a.isInternational()).isTrue());
  }

  @Test
  void toString_neverRevealsTheAddress() {
    EmailAddress a = EmailAddress.parse("patient@example.org", false).orElseThrow();
    assertThat(a.toString()).doesNotContain("patient").doesNotContain("example");
    assertThat(Recipient.of(a).toString()).doesNotContain("patient");
    assertThat(a.asString()).isEqualTo("patient@example.org");
  }
}
