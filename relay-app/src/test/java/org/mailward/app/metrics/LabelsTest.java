package org.mailward.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void anAddressOrAnUnsafeValue_becomesOther_neverALabel() {
    Labels labels = new Labels(10);
    assertThat(labels.of("jane@patients.test")).isEqualTo("other");
    assertThat(labels.of("reply from mx: user unknown")).isEqualTo("other");
    assertThat(labels.of("consent.missing")).isEqualTo("consent.missing");
    assertThat(labels.of("")).isEqualTo("none");
  }

  @Test
  void valuesPastTheBound_becomeOther_whileAdmittedOnesStay() {
    Labels labels = new Labels(3);
    assertThat(List.of(labels.of("a"), labels.of("b"), labels.of("c"), labels.of("d"), labels.of("a")))
        .containsExactly("a", "b", "c", "other", "a");
  }

  @Test
  void aDestinationMatchesItsGroup_andSubdomains_andEveryOtherDomainIsOther() {
    DestinationGroups groups = new DestinationGroups(Map.of("google", List.of("gmail.com", "googlemail.com")));
    assertThat(groups.of("gmail.com")).isEqualTo("google");
    assertThat(groups.of("EU.Gmail.com")).isEqualTo("google");
    assertThat(groups.of("notgmail.com")).isEqualTo("other");
    assertThat(groups.of(null)).isEqualTo("other");
  }

  @Test
  void aGroupNameThatIsNoSafeLabel_isRefusedNamingIt() {
    assertThatThrownBy(() -> new DestinationGroups(Map.of("Big Mail", List.of("x.example"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Big Mail'");
  }
}
