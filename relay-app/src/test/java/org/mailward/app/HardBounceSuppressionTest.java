package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.DeliveryFailure.Kind;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SmtpReply;

class HardBounceSuppressionTest {
  private static RecipientOutcome.Bounced bounce(Kind kind, int code, String status) {
    return new RecipientOutcome.Bounced(DeliveryFailure.of(kind, status), Optional.of(SmtpReply.of(code, status, "x")),
        Optional.empty());
  }

  @Test
  void onlyAMailboxLevelReplyOfTheReceivingServer_countsAsTheMailboxBeingGone() {
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.REMOTE_5XX, 550, "5.1.1"))).isTrue();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.REMOTE_5XX, 550, "5.1.6"))).isTrue();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.REMOTE_5XX, 556, "5.1.10"))).isTrue();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.REMOTE_5XX, 550, "5.2.1"))).isTrue();
  }

  @Test
  void dnsAnswers_policyAndOtherReplies_neverDo() {
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.DNS_NXDOMAIN, 550, "5.1.2"))).isFalse();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.NULL_MX, 556, "5.1.10"))).isFalse();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.REMOTE_5XX, 550, "5.1.2"))).isFalse();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.REMOTE_5XX, 550, "5.7.1"))).isFalse();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.TLS_VERIFY_FAILED, 554, "5.7.10"))).isFalse();
    assertThat(HardBounceSuppression.isMailboxGone(bounce(Kind.CONTENT_UNSUPPORTED, 553, "5.6.7"))).isFalse();
  }
}
