package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.mailward.api.MessageId;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.SmtpTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The refusals that keep Mailward from being an open relay or a smuggling hop, against a real server on 127.0.0.1. */
class InboundSecurityIT {
  static InboundFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new InboundFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  @Test
  void authBeforeTls_isRefusedWith_530_5_7_0() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      assertThat(c.send("EHLO esp.test").expect(250).text()).contains("STARTTLS").doesNotContain("AUTH");
      assertThat(c.send("AUTH PLAIN " + SmtpTestClient.plain("apikey", InboundFixture.PASSWORD)).expect(530).text())
          .isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
      assertThat(c.send("MAIL FROM:<a@clinic.test>").expect(530).text()).startsWith("530 5.7.0 Must issue a STARTTLS");
    }
  }

  @Test
  void mailWithoutAuth_isRefusedWith_530_5_7_0_andRcptAndDataToo() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO esp.test").expect(250);
      c.send("STARTTLS").expect(220);
      c.upgrade();
      c.send("EHLO esp.test").expect(250);
      assertThat(c.send("MAIL FROM:<a@clinic.test>").expect(530).text()).isEqualTo("530 5.7.0 Authentication required");
      c.send("RCPT TO:<b@example.test>").expect(503);
      c.send("DATA").expect(503);
    }
  }

  @Test
  void senderDomainOfAnotherTenant_isRefusedWith_550_5_7_1() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      assertThat(c.send("MAIL FROM:<a@limited.test>").expect(550).text()).startsWith("550 5.7.1");
    }
  }

  @Test
  void nullSender_fromAnAuthenticatedTenant_isQueuedWithAnEmptyReversePath_butWithoutAuthIsRefused() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<>").expect(250);
      c.send("RCPT TO:<bounced-sender@example.test>").expect(250);
      c.send("DATA").expect(354);
      c.write("Subject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status;"
          + " boundary=b\r\n\r\n--b\r\n\r\nnot delivered\r\n--b--\r\n.\r\n");
      String queued = c.expect(250).text().strip();
      MessageId id = MessageId.parse(queued.substring(queued.lastIndexOf(' ') + 1));
      assertThat(fx.spool.committed().get(id).reversePath()).isEmpty();
    }
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO esp.test").expect(250);
      c.send("STARTTLS").expect(220);
      c.upgrade();
      c.send("EHLO esp.test").expect(250);
      assertThat(c.send("MAIL FROM:<>").expect(530).text()).startsWith("530 5.7.0 Authentication required");
    }
  }

  @Test
  void commandsPipelinedAfterStarttls_areDiscarded_neverAnswered() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO esp.test").expect(250);
      c.write("STARTTLS\r\nRSET\r\n");
      c.expect(220);
      c.upgrade();
      assertThat(c.readAvailable(400)).as("nothing may answer the injected RSET").isEmpty();
      assertThat(c.send("NOOP").expect(250).text()).isEqualTo("250 2.0.0 Ok");
    }
  }

  @Test
  void injectedMailAfterStarttls_doesNotSurviveIntoTheTlsSession() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO esp.test").expect(250);
      c.write("STARTTLS\r\nEHLO evil.test\r\nAUTH PLAIN " + SmtpTestClient.plain("apikey", InboundFixture.PASSWORD) + "\r\n");
      c.expect(220);
      c.upgrade();
      assertThat(c.readAvailable(400)).isEmpty();
      c.send("MAIL FROM:<a@clinic.test>").expect(503); // no EHLO in the TLS session yet: the injected one was dropped
    }
  }

  /** Sends {@code payload} after DATA; the server must answer once, with 550 5.6.11, and stay in step. */
  private void smuggle(String payload) throws Exception {
    int before = fx.spool.committed().size();
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<a@clinic.test>").expect(250);
      c.send("RCPT TO:<victim@example.test>").expect(250);
      c.send("DATA").expect(354);
      c.write(payload);
      assertThat(c.read().text()).startsWith("550 5.6.11");
      assertThat(c.readAvailable(300)).as("smuggled commands must not be answered").isEmpty();
      c.send("NOOP").expect(250);
    }
    assertThat(fx.spool.committed()).hasSize(before);
  }

  private static String smuggled(String end) {
    return "Subject: hi\r\n\r\nhello" + end + "MAIL FROM:<evil@clinic.test>\r\nRCPT TO:<other@example.test>\r\nDATA\r\n"
        + "Subject: smuggled\r\n\r\nevil\r\n.\r\n";
  }

  @Test
  void lfDotLf_isNotTheEndOfData_andTheMessageIsRefused() throws Exception {
    smuggle(smuggled("\n.\n"));
  }

  @Test
  void crlfDotLf_isNotTheEndOfData_andTheMessageIsRefused() throws Exception {
    smuggle(smuggled("\r\n.\n"));
  }

  @Test
  void crDotCr_isNotTheEndOfData_andTheMessageIsRefused() throws Exception {
    smuggle(smuggled("\r.\r"));
  }

  @Test
  void lfDotCrlf_isNotTheEndOfData_andTheMessageIsRefused() throws Exception {
    smuggle(smuggled("\n.\r\n"));
  }

  @Test
  void bareLfInsideTheBody_isRefusedWith_550_5_6_11() throws Exception {
    smuggle("Subject: hi\r\n\r\nline\nother\r\n.\r\n");
  }

  @Test
  void authFailures_areThrottledPerUserAndAddress_with_454_4_7_0() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO esp.test").expect(250);
      c.send("STARTTLS").expect(220);
      c.upgrade();
      c.send("EHLO esp.test").expect(250);
      for (int i = 0; i < 3; i++) {
        assertThat(c.send("AUTH PLAIN " + SmtpTestClient.plain("nobody", "guess" + i)).expect(535).text()).startsWith("535 5.7.8");
      }
      assertThat(c.send("AUTH PLAIN " + SmtpTestClient.plain("nobody", "guess")).expect(454).text()).startsWith("454 4.7.0");
    }
    assertThat(fx.audit.ofType("auth.failed")).hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(e -> assertThat(e.facts().get("user")).matches("[0-9a-f]{16}"));
  }

  @Test
  void authLogin_overTls_authenticates() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO esp.test").expect(250);
      c.send("STARTTLS").expect(220);
      c.upgrade();
      c.send("EHLO esp.test").expect(250);
      c.send("AUTH LOGIN").expect(334);
      c.send(java.util.Base64.getEncoder().encodeToString("apikey".getBytes())).expect(334);
      c.send(java.util.Base64.getEncoder().encodeToString(InboundFixture.PASSWORD.getBytes())).expect(235);
    }
  }

  @Test
  void recipientRefusedByPolicy_isAudited_withoutTheAddress() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<a@clinic.test>").expect(250);
      assertThat(c.send("RCPT TO:<refuse-me@example.test>").expect(550).text()).startsWith("550 5.7.1");
    }
    assertThat(fx.audit.ofType("recipient.refused")).anySatisfy(e -> {
      assertThat(e.facts()).containsEntry("rule", "test.refused").containsEntry("code", "5.7.1");
      assertThat(e.facts().values()).noneMatch(v -> v.contains("refuse-me"));
    });
  }

  @Test
  void messageRefusedByPolicyAtEndOfData_isNotQueued() throws Exception {
    int before = fx.spool.committed().size();
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      SmtpTestClient.Reply r = c.sendMessage("a@clinic.test", List.of("b@example.test"), "X-Test-Refuse: yes\r\n\r\nbody\r\n");
      assertThat(r.text()).startsWith("554 5.7.1");
    }
    assertThat(fx.spool.committed()).hasSize(before);
  }
}
