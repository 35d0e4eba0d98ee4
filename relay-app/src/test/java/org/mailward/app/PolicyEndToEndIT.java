package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditRecord;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.policy.consent.SuppressionReason;
import org.mailward.policy.unsubscribe.Unsubscribes;
import org.mailward.testkit.SmtpTestClient;

/**
 * Policy through the real relay: the Netty server, the RocksDB/Chronicle spool and
 * the consent engine, as an ESP sees them over SMTP.
 */
class PolicyEndToEndIT {
  private static final TenantId CLINIC = new TenantId("clinic");
  @TempDir Path dir;
  private Relay relay;
  private InetSocketAddress smtp;

  @BeforeEach
  void start() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", """
            policy:
              unsubscribe:
                baseUrl: "https://unsubscribe.clinic.example"
              phi:
                subjectAction: refuse
        """, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));
    smtp = relay.listeners().get("submission");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private static EmailAddress addr(String s) {
    return EmailAddress.parse(s, false).orElseThrow();
  }

  private void grantMarketing(String address) {
    Instant now = Instant.now();
    relay.policy().registry().grant(CLINIC, addr(address), new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
        now.minus(Duration.ofDays(1)), Optional.of(now.plus(Duration.ofDays(365))), "doc-4711", "test"));
  }

  @Test
  void pipelinedRcpts_withMixedConsent_getPerRecipientReplies_thatNameTheRuleNotTheAddress() throws Exception {
    grantMarketing("consented@patients.example");
    grantMarketing("revoked@patients.example");
    relay.policy().registry().revoke(CLINIC, addr("revoked@patients.example"), "test");
    grantMarketing("complained@patients.example");
    relay.policy().suppressions().add(CLINIC, addr("complained@patients.example"), Set.of(Purpose.MARKETING),
        SuppressionReason.COMPLAINT, "test");

    try (SmtpTestClient c = SmtpTestClient.connect(smtp)) {
      assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
      c.write("MAIL FROM:<news@clinic.example>\r\n"
          + "RCPT TO:<consented@patients.example>\r\n"
          + "RCPT TO:<nobody@patients.example>\r\n"
          + "RCPT TO:<revoked@patients.example>\r\n"
          + "RCPT TO:<complained@patients.example>\r\n");
      assertThat(c.read().code()).isEqualTo(250);
      var consented = c.read();
      var missing = c.read();
      var revoked = c.read();
      var complained = c.read();
      assertThat(consented.code()).isEqualTo(250);
      assertThat(missing.text()).startsWith("550 5.7.1").contains("consent.missing").doesNotContain("nobody");
      assertThat(revoked.text()).startsWith("550 5.7.1").contains("consent.revoked").doesNotContain("revoked@");
      assertThat(complained.text()).startsWith("550 5.7.1").contains("suppression.complaint");

      var data = c.command("DATA");
      assertThat(data.code()).isEqualTo(354);
      var queued = c.command("From: <news@clinic.example>\r\nTo: <consented@patients.example>\r\n"
          + "Subject: Flu shots are available this week\r\n\r\nBook your seasonal flu shot online.\r\n.");
      assertThat(queued.code()).isEqualTo(250);
      MessageId id = MessageId.parse(queued.last().substring(queued.last().lastIndexOf(' ') + 1));
      Envelope env = relay.storage().spool().envelope(id).orElseThrow();
      assertThat(env.recipients()).hasSize(1);
      assertThat(env.purpose()).isEqualTo(Purpose.MARKETING);
      assertThat(env.headerEdits()).anySatisfy(e ->
          assertThat(e).isInstanceOfSatisfying(HeaderEdit.Replace.class, r -> {
            assertThat(r.name()).isEqualTo("List-Unsubscribe");
            assertThat(r.value()).contains("https://unsubscribe.clinic.example/u/");
          }));
      assertThat(env.headerEdits()).contains(new HeaderEdit.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));

      // One-click revocation with the token from that header takes effect for the very next message.
      String link = env.headerEdits().stream().filter(e -> e instanceof HeaderEdit.Replace r && r.name().equals("List-Unsubscribe"))
          .map(e -> ((HeaderEdit.Replace) e).value()).findFirst().orElseThrow();
      String token = link.substring(link.indexOf("/u/") + 3, link.indexOf('>', link.indexOf("/u/")));
      assertThat(relay.policy().unsubscribes().revoke(token)).isInstanceOf(Unsubscribes.Result.Revoked.class);
      c.write("MAIL FROM:<news@clinic.example>\r\nRCPT TO:<consented@patients.example>\r\n");
      assertThat(c.read().code()).isEqualTo(250);
      assertThat(c.read().text()).startsWith("550 5.7.1").containsAnyOf("consent.revoked", "suppression.unsubscribe");
      c.command("RSET");
    }

    List<AuditRecord> audit = Audits.awaitType(relay, "message.accepted");
    assertThat(audit).extracting(r -> r.event().type()).contains("message.accepted", "recipient.refused");
    assertThat(audit).allSatisfy(r -> assertThat(r.event().facts().toString())
        .doesNotContain("patients.example").doesNotContain("Flu"));
    assertThat(relay.storage().audit().verifyChain()).isEmpty();
  }

  @Test
  void phiInTheSubject_isRefused_andPhiInTheBody_raisesTheRequiredLevel() throws Exception {
    grantMarketing("consented@patients.example");
    try (SmtpTestClient c = SmtpTestClient.connect(smtp)) {
      c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD);
      c.command("MAIL FROM:<news@clinic.example>");
      c.command("RCPT TO:<consented@patients.example>");
      c.command("DATA");
      var refused = c.command("From: <news@clinic.example>\r\nSubject: Your diabetes lab results are ready\r\n\r\nHello.\r\n.");
      assertThat(refused.text()).startsWith("550 5.7.1").contains("phi.subject");

      c.command("MAIL FROM:<news@clinic.example>");
      c.command("RCPT TO:<consented@patients.example>");
      c.command("DATA");
      var accepted = c.command("From: <news@clinic.example>\r\nSubject: News from your clinic\r\n\r\n"
          + "Patient SSN 123-45-6789 was diagnosed with type 2 diabetes and prescribed metformin.\r\n.");
      assertThat(accepted.code()).isEqualTo(250);
      MessageId id = MessageId.parse(accepted.last().substring(accepted.last().lastIndexOf(' ') + 1));
      assertThat(relay.storage().spool().envelope(id).orElseThrow().requiredLevel())
          .isGreaterThanOrEqualTo(SecurityLevel.VERIFY);
    }
  }
}
