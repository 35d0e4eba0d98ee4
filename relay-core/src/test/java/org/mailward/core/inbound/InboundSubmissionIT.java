package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.SmtpTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The happy paths with a raw Java client: STARTTLS submission and implicit TLS, on 127.0.0.1. */
class InboundSubmissionIT {
  static InboundFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new InboundFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  static MessageId queuedId(SmtpTestClient.Reply r) {
    String t = r.text().strip();
    return MessageId.parse(t.substring(t.lastIndexOf(' ') + 1));
  }

  @Test
  void starttlsAuthAndData_isQueuedOnlyAfterCommit_withReceivedHeaderFirst() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      SmtpTestClient.Reply r = c.sendMessage("news@clinic.test", List.of("pat@example.test", "drop-me@example.test"),
          "From: news@clinic.test\r\nSubject: hello\r\n\r\nline one\r\n.leading dot\r\n");
      assertThat(r.text()).startsWith("250 2.0.0 Ok: queued as ");
      MessageId id = queuedId(r);
      Envelope env = fx.spool.committed().get(id);
      assertThat(env).isNotNull();
      assertThat(env.recipients()).hasSize(2);
      assertThat(env.tenant().value()).isEqualTo("clinic");
      assertThat(fx.spool.presettled(id)).hasSize(1);
      assertThat(fx.spool.presettled(id).get(0).ref().index()).isEqualTo(1);
      String body = new String(fx.spool.committedBody(id), StandardCharsets.UTF_8);
      assertThat(body).startsWith("Received: from esp.test ([127.0.0.1])\r\n\tby mx.mailward.test (Mailward) with ESMTPSA id " + id);
      assertThat(body).contains("(version=TLSv1.3 cipher=");
      assertThat(body).doesNotContain("pat@example.test");
      assertThat(body).endsWith("Subject: hello\r\n\r\nline one\r\n.leading dot\r\n");
      c.send("QUIT").expect(221);
    }
    assertThat(fx.audit.ofType("message.accepted")).anySatisfy(e -> {
      assertThat(e.facts()).containsEntry("recipients", "2").containsEntry("tls", "TLSv1.3").containsEntry("evidence", "test.scan:1");
      assertThat(e.facts().values()).noneMatch(v -> v.contains("@"));
    });
  }

  @Test
  void implicitTlsListener_greetsAfterTheHandshake_andAcceptsMail() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.implicitTls(fx.smtps, fx.clientTls())) {
      c.expect(220);
      SmtpTestClient.Reply ehlo = c.send("EHLO esp.test").expect(250);
      assertThat(ehlo.text()).contains("AUTH PLAIN LOGIN").contains("REQUIRETLS").doesNotContain("STARTTLS");
      c.send("AUTH PLAIN " + SmtpTestClient.plain("apikey", InboundFixture.PASSWORD)).expect(235);
      c.send("MAIL FROM:<a@clinic.test> REQUIRETLS").expect(250);
      c.send("RCPT TO:<b@example.test>").expect(250);
      c.send("DATA").expect(354);
      c.write("Subject: x\r\n\r\nbody\r\n.\r\n");
      MessageId id = queuedId(c.expect(250));
      assertThat(fx.spool.committed().get(id).requiredLevel().label()).isEqualTo("verify");
    }
  }
}
