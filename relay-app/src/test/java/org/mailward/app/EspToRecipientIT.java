package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.PostfixEsp;
import org.mailward.testkit.TestResources;

/**
 * The whole path with real peers ({@link EspPath}): a private Postfix acting as the ESP relays
 * (SASL over STARTTLS) into Mailward, which spools the message, DKIM-signs it
 * (Ed25519) and delivers it over verified STARTTLS (the certificate must match
 * the host name dnsmasq resolves) to an aiosmtpd receiver on 127.0.0.2. Debian's dkimverify checks the signature independently.
 */
class EspToRecipientIT {
  @TempDir Path dir;

  @Test
  void mailFromPostfix_isSignedAndDeliveredOverVerifiedTls() throws Exception {
    Assumptions.assumeTrue(PostfixEsp.available(), "postfix is installed by .ci/run");
    try (EspPath path = EspPath.start(dir)) {
      path.submit("--from", "news@clinic.example", "--to", "jane@patients.test", "--header", "Subject: Your flu shot reminder",
          "--body", "Dear patient,\nflu shots are available at the clinic this week.\n.\nA line with a single dot above.\n");

      String delivered = path.awaitMessages(1, Duration.ofSeconds(90)).get(0);
      assertThat(delivered).contains("X-Test-TLS: yes");
      assertThat(delivered).contains("X-Test-Rcpt: jane@patients.test");
      assertThat(delivered).containsPattern("(?s)Received: from .*by relay\\.test .*TLSv1\\.[23]");
      assertThat(delivered).contains("A line with a single dot above.").contains("\r\n.\r\nA line");
      String message = EspPath.asReceived(delivered);
      assertThat(message).startsWith("DKIM-Signature:").contains("d=clinic.example").contains("s=s2026");
      assertThat(TestResources.dkimVerify(message, path.dkim.dnsRecord(), dir)).as("dkimverify").contains("pass");

      var audit = Audits.awaitType(path.relay, "delivery.attempt");
      assertThat(audit).anySatisfy(r -> {
        assertThat(r.event().type()).isEqualTo("delivery.attempt");
        assertThat(r.event().facts().toString()).contains("TLSv1.").doesNotContain("jane");
      });
    }
  }
}
