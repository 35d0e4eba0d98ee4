package org.mailward.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryFailureTest {
  @Test
  void aRemoteReply_isClassifiedByItsCode_withItsEnhancedStatusAsDetail() {
    assertThat(DeliveryFailure.remote(SmtpReply.of(550, "5.1.1", "no such user")).label()).isEqualTo("remote-5xx:5.1.1");
    assertThat(DeliveryFailure.remote(SmtpReply.of(451, "4.3.0", "later")).kind()).isEqualTo(DeliveryFailure.Kind.REMOTE_4XX);
    assertThat(DeliveryFailure.of(DeliveryFailure.Kind.DNS_NXDOMAIN).label()).isEqualTo("dns-nxdomain");
  }

  @Test
  void aReplyShownInALogOrEvidence_hasNoAddressLeft_andNoLineBreaks() {
    SmtpReply r = new SmtpReply(550, "5.1.1", List.of("<jane.doe@patients.example>: Recipient address rejected:",
        "user jane.doe@patients.example\r\nunknown"));
    assertThat(r.withoutAddresses()).isEqualTo("550 5.1.1 <[address]>: Recipient address rejected: user [address]  unknown")
        .doesNotContain("@").doesNotContain("jane");
  }
}
