package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.DkimTestKeys;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.PostfixEsp;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.TestCa;
import org.mailward.testkit.TestResources;

/**
 * The whole path with real peers: a private Postfix acting as the ESP relays
 * (SASL over STARTTLS) into Mailward, which spools the message, DKIM-signs it
 * (Ed25519) and delivers it over verified STARTTLS (the certificate must match
 * the host name dnsmasq resolves) to an aiosmtpd receiver on 127.0.0.2. Debian's dkimverify checks the signature independently.
 */
class EspToRecipientIT {
  @TempDir Path dir;

  @Test
  void mailFromPostfix_isSignedAndDeliveredOverVerifiedTls() throws Exception {
    Assumptions.assumeTrue(PostfixEsp.available(), "postfix is installed by .ci/run");
    TestCa ca = TestCa.create("e2e-ca");
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    TestCa.PemFiles relayTls = ca.issue("relay.test", "127.0.0.1").write(dir.resolve("tls"), "relay");
    DkimTestKeys.KeyFiles dkim = DkimTestKeys.ed25519Key(dir);
    int port = TestRelays.freePort();

    try (Receiver receiver = Receiver.start(dir, "127.0.0.2", Optional.of(ca.issue("mx.patients.test", "127.0.0.2")), "ok");
        Dnsmasq dns = Dnsmasq.start(dir, List.of("--host-record=mx.patients.test,127.0.0.2"))) {
      Path config = TestRelays.write(dir, port, "transactional", TestRelays.dkimSignsAll(dkim.pem()), TestRelays.deliveryVia(dns.port(), "patients.test", "mx.patients.test", receiver.port(), caPem), """
          tenantDefaults:
            securityLevel: verify
          """);
      Files.writeString(config, Files.readString(config).replace("inbound:\n", "inbound:\n  tls:\n    certificate: " + relayTls.certificate()
          + "\n    key: " + relayTls.key() + "\n"));
      Map<String, String> env = Map.of("TEST_DKIM_PASSPHRASE", DkimTestKeys.PASSPHRASE);
      var cfg = new ConfigLoader().load(config, env);
      try (Relay relay = Relay.start(cfg, config.toString(), env, Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));
          PostfixEsp esp = PostfixEsp.start(port, TestRelays.USER, TestRelays.PASSWORD, caPem)) {
        Process swaks = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + esp.smtpPort(), "--from", "news@clinic.example",
            "--to", "jane@patients.test", "--header", "Subject: Your flu shot reminder", "--body",
            "Dear patient,\nflu shots are available at the clinic this week.\n.\nA line with a single dot above.\n")
            .redirectErrorStream(true).start();
        String out = new String(swaks.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(swaks.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("<-  250 2.0.0 Ok: queued as");

        List<String> messages = awaitMessages(receiver, esp, relay);
        String delivered = messages.get(0);
        assertThat(delivered).contains("X-Test-TLS: yes");
        assertThat(delivered).contains("X-Test-Rcpt: jane@patients.test");
        assertThat(delivered).containsPattern("(?s)Received: from .*by relay\\.test .*TLSv1\\.[23]");
        assertThat(delivered).contains("A line with a single dot above.").contains("\r\n.\r\nA line");
        // The receiver writes its own X-Test-* lines first; the message as received follows them.
        String message = delivered.substring(delivered.indexOf("\r\n", delivered.indexOf("X-Test-Rcpt:")) + 2);
        assertThat(message).startsWith("DKIM-Signature:").contains("d=clinic.example").contains("s=s2026");
        assertThat(TestResources.dkimVerify(message, dkim.dnsRecord(), dir)).as("dkimverify").contains("pass");

        var audit = Audits.awaitType(relay, "delivery.attempt");
        assertThat(audit).anySatisfy(r -> {
          assertThat(r.event().type()).isEqualTo("delivery.attempt");
          assertThat(r.event().facts().toString()).contains("TLSv1.").doesNotContain("jane");
        });
      }
    }
  }

  private static List<String> awaitMessages(Receiver receiver, PostfixEsp esp, Relay relay) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> m = receiver.messages();
      if (!m.isEmpty()) {
        return m;
      }
      Thread.sleep(200);
    }
    var audit = relay.storage().audit().query(java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60), Optional.empty(),
        100).stream().map(r -> r.event().type() + " " + r.event().facts()).toList();
    throw new AssertionError("nothing delivered within 90 s; audit:\n" + String.join("\n", audit) + "\nPostfix log:\n"
        + esp.log());
  }
}
