package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.EmailAddress;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.testkit.Attachments;
import org.mailward.testkit.SmtpTestClient;

/**
 * PHI detection through the real relay (Netty server, spool, policy executor), as an ESP sees it:
 * PHI in the Subject is refused at end of data with {@code 550 5.7.1 … phi.subject}; PHI in a body,
 * behind an encoding or an evasion, or in an attachment is accepted with the required level raised
 * to the tenant's body level (verify), so it is never delivered below it; near-misses are accepted
 * at the tenant's default (encrypt); an attachment that cannot be read raises the level to the
 * tenant's {@code opaqueAttachmentLevel} (portal here).
 */
class PhiRelayIT {
  private static final TenantId CLINIC = new TenantId("clinic");
  private static final String RCPT = "pat@patients.example";
  @TempDir Path dir;
  private Relay relay;

  @BeforeEach
  void start() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", """
            policy:
              phi:
                subjectAction: refuse
                bodyLevel: verify
                opaqueAttachmentLevel: portal
        """, "");
    relay = Relay.start(new ConfigLoader().load(config, Map.of()), config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream()));
    grantMarketing(relay);
  }

  /** The test recipient's marketing authorisation, so that only PHI rules decide. */
  static void grantMarketing(Relay relay) {
    Instant now = Instant.now();
    relay.policy().registry().grant(CLINIC, EmailAddress.parse(RCPT, false).orElseThrow(), new ConsentRegistry.Grant(
        Set.of(Purpose.MARKETING), now.minus(Duration.ofDays(1)), Optional.of(now.plus(Duration.ofDays(365))), "doc-16", "test"));
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  /** The outcome of one message: the end-of-data reply, and the level the spool holds it at when accepted. */
  record Outcome(SmtpTestClient.Reply reply, Optional<SecurityLevel> level) {}

  Outcome send(String message) throws IOException {
    return send(relay, message);
  }

  /** Sends {@code message} (CRLF lines) to {@code relay}'s submission listener from the test tenant to {@link #RCPT}. */
  static Outcome send(Relay relay, String message) throws IOException {
    try (SmtpTestClient c = SmtpTestClient.connect(relay.listeners().get("submission"))) {
      assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + RCPT + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String stuffed = message.replace("\r\n.", "\r\n..");
      SmtpTestClient.Reply reply = c.command(stuffed + (stuffed.endsWith("\r\n") ? "" : "\r\n") + ".");
      if (reply.code() != 250) {
        return new Outcome(reply, Optional.empty());
      }
      MessageId id = MessageId.parse(reply.last().substring(reply.last().lastIndexOf(' ') + 1));
      return new Outcome(reply, Optional.of(relay.storage().spool().envelope(id).orElseThrow().requiredLevel()));
    }
  }

  static String plain(String subject, String contentType, String cte, String body) {
    return "From: \"Lakeside Cardiology\" <news@clinic.example>\r\nTo: <" + RCPT + ">\r\nSubject: " + subject
        + "\r\nMIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + body + "\r\n";
  }

  static String withAttachment(String type, String name, byte[] content) {
    return "From: \"Lakeside Cardiology\" <news@clinic.example>\r\nTo: <" + RCPT + ">\r\nSubject: Your documents\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
        + "Please see the attachment.\r\n--b1\r\nContent-Type: " + type + "; name=\"" + name + "\"\r\n"
        + "Content-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getMimeEncoder().encodeToString(content) + "\r\n--b1--\r\n";
  }

  static String b64(byte[] b) {
    return Base64.getMimeEncoder().encodeToString(b);
  }

  private void assertRefusedForSubject(String message) throws IOException {
    Outcome o = send(message);
    assertThat(o.reply().text()).startsWith("550 5.7.1").contains("phi.subject");
  }

  private void assertRaised(String message) throws IOException {
    Outcome o = send(message);
    assertThat(o.reply().code()).as(o.reply().text()).isEqualTo(250);
    assertThat(o.level()).contains(SecurityLevel.VERIFY);
  }

  private void assertDefault(String message) throws IOException {
    Outcome o = send(message);
    assertThat(o.reply().code()).as(o.reply().text()).isEqualTo(250);
    assertThat(o.level()).contains(SecurityLevel.ENCRYPT);
  }

  @Test
  void phiInTheSubject_isRefusedWith_550_5_7_1_phiSubject_plainOrEncoded() throws IOException {
    assertRefusedForSubject(plain("Happy birthday Ottoline Brackenridge! Born March 3, 1951", "text/plain", "7bit", "Hello."));
    assertRefusedForSubject(plain("Reminder: Ottoline Brackenridge's appointment at Meadowlark Pharmacy", "text/plain", "7bit", "Hi."));
    assertRefusedForSubject(plain("Your HbA1c result is ready", "text/plain", "7bit", "Hi."));
    // RFC 2047, every byte =XX-encoded: "Ottoline Brackenridge, MRN 58213377"
    StringBuilder q = new StringBuilder("=?UTF-8?Q?");
    for (byte b : "Ottoline Brackenridge, MRN 58213377".getBytes(StandardCharsets.UTF_8)) {
      q.append(String.format("=%02X", b));
    }
    assertRefusedForSubject(plain(q + "?=", "text/plain", "7bit", "Hi."));
    // a clean subject with a specialty and a brand in it is not refused
    assertDefault(plain("We have opened a new location | Cedar Valley Oncology Center", "text/plain", "7bit",
        "Our new clinic offers primary care, lab services and a pharmacy under one roof."));
  }

  @Test
  void phiInTheBody_raisesTheLevel_inPlainTextHtmlAndEveryEncoding() throws IOException {
    assertRaised(plain("News", "text/plain; charset=utf-8", "7bit", "Dear Jane Q. Example, your A1C result of 9.2 is above target."));
    assertRaised(plain("News", "text/plain; charset=utf-8", "7bit",
        "Ysolde Brackenridge completed week 4 of the intensive outpatient program on September 15, 2025."));
    assertRaised(plain("News", "text/html; charset=utf-8", "7bit",
        "<p>Patient: Ottoline Brack<b>enridge</b></p><p>SSN 958-<span>37</span>-6305<!-- x --></p>"));
    assertRaised(plain("News", "text/plain; charset=utf-8", "quoted-printable",
        "Dear Ottoline Bracken=\r\nridge, your chemo=\r\ntherapy starts =4Donday."));
    assertRaised(plain("News", "text/plain; charset=utf-8", "base64",
        b64("Ottoline Brackenridge, ＳＳＮ: ９５８-３７-６３０５".getBytes(StandardCharsets.UTF_8))));
    assertRaised(plain("News", "text/plain; charset=utf-8", "base64",
        b64("Ottoline Brackenridge, S\u200BS\u00ADN: 958-37-6305".getBytes(StandardCharsets.UTF_8))));
    assertRaised(plain("News", "text/plain; charset=utf-8", "base64",
        b64("Dear Ottoline Brackenridge, your \u0441hemotherapy starts Monday.".getBytes(StandardCharsets.UTF_8))));
    assertRaised(plain("News", "text/plain", "base64",
        b64(("\uFEFF" + "Dear José Brackenridge, your insulin dose changed.").getBytes(StandardCharsets.UTF_16LE))));
    assertRaised(plain("News", "text/plain; charset=iso-8859-1", "quoted-printable",
        "Dear Jos=E9 M=FCller, your insulin dose changed."));
  }

  @Test
  void phiInAnAttachmentOrAnAttachedMessage_raisesTheLevel() throws IOException {
    assertRaised(withAttachment("application/pdf", "referral.pdf",
        Attachments.pdf("Referral for Patient: Ottoline Brackenridge", "Date of birth: 04/12/1951", "Diagnosis: heart failure")));
    assertRaised(withAttachment("text/csv", "list.csv",
        "name,dob,condition\nPatient: Ottoline Brackenridge,DOB 04/12/1951,asthma\n".getBytes(StandardCharsets.UTF_8)));
    assertRaised(withAttachment("application/octet-stream", "visit.ics", ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
        + "SUMMARY:Cardiology follow-up\r\nDESCRIPTION:Patient: Ottoline Bracken\r\n ridge\\, MRN 58213377\r\nEND:VEVENT\r\n"
        + "END:VCALENDAR\r\n").getBytes(StandardCharsets.UTF_8)));
    assertRaised("From: \"Lakeside Cardiology\" <news@clinic.example>\r\nSubject: Forwarded\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfyi\r\n--b\r\n"
        + "Content-Type: message/rfc822\r\n\r\nFrom: x@example.org\r\nSubject: Chart note\r\n\r\n"
        + "Philippa Hollingbrook, born February 22, 1941, SSN 958-37-6305.\r\n--b--\r\n");
  }

  @Test
  void nearMisses_areDeliveredAtTheDefaultLevel() throws IOException {
    assertDefault(plain("Spring catalogue", "text/plain", "7bit",
        "Item J45-909 spacer chamber for inhalers, $14.50.\r\nItem E11.9 digital thermometer, $24.99."));
    assertDefault(plain("Your order", "text/plain", "7bit",
        "Order 123-45-6789 shipped: your new blood glucose meter and asthma spacer."));
    assertDefault(plain("Meet Dr. Naomi Castellane, our new dermatology specialist", "text/plain", "7bit",
        "Dr. Naomi Castellane joins Lakeside Cardiology Associates after twelve years at a university hospital."));
    assertDefault(plain("Know your numbers", "text/plain", "7bit",
        "A normal fasting blood sugar is below 100 mg/dL, and an HbA1c below 5.7% is considered normal."));
    assertDefault(plain("Save the date", "text/plain", "7bit",
        "Community health fair on 06/23/2025. Founded 05/01/1987. Call (207) 555-0121."));
    assertDefault(withAttachment("application/pdf", "brochure.pdf", Attachments.pdf("Spring open house", "Free blood pressure checks.")));
  }

  @Test
  void anAttachmentThatCannotBeRead_raisesTheLevelToTheTenantsOpaqueAttachmentLevel() throws IOException {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    Outcome o = send(withAttachment("image/png", "scan.png", png));
    assertThat(o.reply().code()).isEqualTo(250);
    assertThat(o.level()).contains(SecurityLevel.PORTAL);
  }
}
