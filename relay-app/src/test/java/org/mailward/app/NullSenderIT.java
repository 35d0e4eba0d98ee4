package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditRecord;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * An ESP that uses Mailward as its relayhost passes on its own bounce, {@code MAIL FROM:<>}
 * (RFC 5321 4.5.5), for a tenant whose default purpose is marketing and who may name the purpose in
 * a header. The bounce is accepted as transactional (its "X-Mailward-Purpose: marketing" does not
 * apply, and no marketing consent is asked for), delivered over STARTTLS to a real receiver with an
 * empty reverse-path; its other recipient bounces at the receiver and no DSN is made about it
 * (RFC 3464: never a DSN for a message with a null sender). The same sender without AUTH is refused.
 */
class NullSenderIT {
  @TempDir Path dir;

  @Test
  void aBounceFromAnAuthenticatedTenant_isDeliveredWithAnEmptyReversePath_andUnauthenticatedIsRefused() throws Exception {
    TestCa ca = TestCa.create("null-sender-ca");
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    int port = TestRelays.freePort();
    try (Receiver receiver = Receiver.start(dir, "127.0.0.2", Optional.of(ca.issue("mx.patients.test", "127.0.0.2")),
        "reject-rcpt:gone");
        Dnsmasq dns = Dnsmasq.start(dir, List.of("--host-record=mx.patients.test,127.0.0.2"))) {
      Path config = TestRelays.write(dir, port, "marketing", "    policy:\n      purposeHeaderAllowed: true\n",
          TestRelays.deliveryVia(dns.port(), "patients.test", "mx.patients.test", receiver.port(), caPem), "");
      var cfg = new ConfigLoader().load(config, Map.of());
      try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()))) {
        InetSocketAddress smtp = relay.listeners().get("submission");
        String id;
        try (SmtpTestClient c = SmtpTestClient.connect(smtp)) {
          assertThat(c.startTlsAndLogin("esp.clinic.example", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
          assertThat(c.command("MAIL FROM:<>").code()).isEqualTo(250);
          assertThat(c.command("RCPT TO:<jane@patients.test>").code()).isEqualTo(250);
          assertThat(c.command("RCPT TO:<gone@patients.test> NOTIFY=FAILURE").code()).isEqualTo(250);
          assertThat(c.command("DATA").code()).isEqualTo(354);
          c.write("From: MAILER-DAEMON@clinic.example\r\nTo: jane@patients.test\r\nX-Mailward-Purpose: marketing\r\n"
              + "Subject: Undelivered Mail Returned to Sender\r\n\r\nYour message could not be delivered.\r\n.\r\n");
          SmtpTestClient.Reply queued = c.read();
          assertThat(queued.text()).startsWith("250 2.0.0 Ok: queued as");
          id = queued.last().substring(queued.last().lastIndexOf(' ') + 1);
        }

        String delivered = awaitMessage(receiver);
        assertThat(delivered).contains("X-Test-TLS: yes").contains("X-Test-Rcpt: jane@patients.test")
            .contains("X-Test-Mail-From: <>\r\n").contains("Your message could not be delivered.");
        List<AuditRecord> audit = Audits.awaitType(relay, "message.finished");
        assertThat(audit).anySatisfy(r -> {
          assertThat(r.event().type()).isEqualTo("message.accepted");
          assertThat(r.event().messageId().map(Object::toString)).contains(id);
          assertThat(r.event().facts()).containsEntry("purpose", "transactional");
          assertThat(r.event().facts().get("evidence")).contains("purpose.source.null-sender");
        });
        // gone@ bounced (550 5.1.1 at the receiver) with NOTIFY=FAILURE, yet no DSN was made: nothing is left in the spool.
        assertThat(awaitEmptySpool(relay)).isZero();
        assertThat(receiver.messages()).hasSize(1);
        assertThat(Audits.awaitType(relay, "message.finished")).allSatisfy(r ->
            assertThat(r.event().messageId().map(Object::toString).orElse(id)).as("a record of another message (a DSN)").isEqualTo(id));

        try (SmtpTestClient c = SmtpTestClient.connect(smtp)) {
          c.read();
          c.command("EHLO stranger.example");
          assertThat(c.command("STARTTLS").code()).isEqualTo(220);
          c.startTls();
          c.command("EHLO stranger.example");
          assertThat(c.command("MAIL FROM:<>").text()).startsWith("530 5.7.0 Authentication required");
        }
      }
    }
  }

  private static long awaitEmptySpool(Relay relay) throws InterruptedException {
    long messages = -1;
    for (int i = 0; i < 300 && messages != 0; i++) {
      messages = relay.storage().spool().stats().messages();
      Thread.sleep(100);
    }
    return messages;
  }

  private static String awaitMessage(Receiver receiver) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> m = receiver.messages();
      if (!m.isEmpty()) {
        return m.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("nothing delivered within 60 s (at " + Instant.now() + ")");
  }
}
