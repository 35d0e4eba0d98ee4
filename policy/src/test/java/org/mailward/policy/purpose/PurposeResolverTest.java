package org.mailward.policy.purpose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.api.Purpose;
import org.mailward.policy.PolicyConfig.MatchOn;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.policy.PolicyConfig.PurposeRule;
import org.mailward.policy.PolicyFixtures;

class PurposeResolverTest {
  private static final List<PurposeRule> RULES = List.of(
      new PurposeRule(MatchOn.CREDENTIAL, "apikey-clinic", Purpose.OPERATIONS),
      new PurposeRule(MatchOn.SENDER_DOMAIN, "foundation.example", Purpose.FUNDRAISING),
      new PurposeRule(MatchOn.SENDER_ADDRESS, "Reminders@Clinic.example", Purpose.TREATMENT));

  private static Purpose resolve(String sender, List<PurposeRule> rules) {
    return PurposeResolver.atMail(PolicyFixtures.tenantPolicy(false, PhiPolicy.defaults(), rules), PolicyFixtures.transaction(sender));
  }

  @Test
  void senderAddress_beatsDomain_beatsCredential() {
    assertThat(resolve("reminders@clinic.example", RULES)).isEqualTo(Purpose.TREATMENT);
    assertThat(resolve("give@mail.foundation.example", RULES)).isEqualTo(Purpose.FUNDRAISING);
    assertThat(resolve("news@clinic.example", RULES)).isEqualTo(Purpose.OPERATIONS);
  }

  @Test
  void withoutRules_theTenantDefault_marketing_applies() {
    assertThat(resolve("news@clinic.example", List.of())).isEqualTo(Purpose.MARKETING);
  }

  @Test
  void headerValues_areReadCaseInsensitively_andUnknownOnesAreEmpty() {
    assertThat(PurposeResolver.fromHeader(" Treatment ")).contains(Purpose.TREATMENT);
    assertThat(PurposeResolver.fromHeader("newsletter")).isEmpty();
  }
}
