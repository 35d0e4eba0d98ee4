package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.EmailAddress;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.policy.consent.Suppression;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * Bounce classification with the real relay: a DNS answer never suppresses a
 * patient (NXDOMAIN bounces the message, and once DNS recovers the same address
 * is accepted and delivered), while a receiving server's 550 5.1.1 does — until
 * one receiver answers it to everyone, which trips the domain's breaker.
 */
class BounceClassificationIT {
  private static final TenantId CLINIC = new TenantId("clinic");
  /** delivery.bounceBreaker.threshold in the breaker test: not the default 10, so the key is shown to reach the breaker. */
  private static final int THRESHOLD = 6;
  @TempDir Path dir;

  @Test
  void nxdomainRecipient_bouncesWithoutSuppression_andIsDeliverableOnceDnsRecovers() throws Exception {
    TestCa ca = TestCa.create("bounce-ca");
    int dnsPort = Ports.freeUdp("127.0.0.1");
    try (Receiver receiver = Receiver.start(dir, "127.0.0.3", Optional.of(ca.issue("mx.gone.test")), "ok")) {
      Dnsmasq outage = Dnsmasq.start(dir, dnsPort, List.of()); // knows no gone.test: NXDOMAIN
      try (Relay relay = start(TestRelays.delivery(dnsPort, "gone.test: \"gone.test:" + receiver.port() + "\"", ""))) {
        assertThat(send(relay, List.of("pat@gone.test"))).isEqualTo(250);
        await(() -> attemptWith(relay, "reason=dns-nxdomain"), "an NXDOMAIN bounce");
        assertThat(relay.storage().audit().query(java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60), Optional.empty(),
            1000)).anySatisfy(r -> assertThat(r.event().facts()).containsEntry("outcome", "bounced").containsEntry("mx", "none"));
        assertThat(suppression(relay, "pat@gone.test").entries()).as("a DNS answer suppresses nothing").isEmpty();

        outage.close();
        try (Dnsmasq recovered = Dnsmasq.start(dir, dnsPort, List.of("--mx-host=gone.test,mx.gone.test,10",
            "--host-record=mx.gone.test,127.0.0.3"))) {
          Thread.sleep(1500); // past delivery.dns.maxCacheTtl
          assertThat(send(relay, List.of("pat@gone.test"))).as("RCPT of the same address after recovery").isEqualTo(250);
          await(() -> messages(receiver) > 0, "delivery after DNS recovered");
          assertThat(suppression(relay, "pat@gone.test").entries()).isEmpty();
        }
      }
    }
  }

  @Test
  void mailboxBouncesSuppress_butAReceiverRejectingEveryone_tripsTheDomainBreaker() throws Exception {
    TestCa ca = TestCa.create("bounce-ca");
    try (Receiver rejecting = Receiver.start(dir, "127.0.0.4", Optional.of(ca.issue("mx.mass.test")), "reject-rcpt:@");
        Relay relay = start(TestRelays.delivery(Ports.freeUdp("127.0.0.1"), "mass.test: \"[127.0.0.4]:" + rejecting.port() + "\"",
            "  bounceBreaker:\n    threshold: " + THRESHOLD + "\n    window: 1h"))) {
      HardBounceSuppression bounces = relay.hardBounces().orElseThrow();
      List<String> rcpts = IntStream.range(0, 15).mapToObj(i -> "r" + i + "@mass.test").toList();
      assertThat(send(relay, rcpts)).isEqualTo(250);

      await(() -> bounces.suppressedCount() + bounces.skippedCount() == 15, "15 mailbox bounces classified");
      assertThat(bounces.trippedDomains()).containsExactly("mass.test");
      assertThat(bounces.suppressedCount()).isEqualTo(THRESHOLD);
      assertThat(bounces.skippedCount()).isEqualTo(15L - THRESHOLD);
      assertThat(bounces.tripCount()).isEqualTo(1);
      List<Suppression> found = rcpts.stream().map(r -> suppression(relay, r)).toList();
      assertThat(found.stream().filter(s -> !s.entries().isEmpty())).hasSize(THRESHOLD)
          .allSatisfy(s -> assertThat(s.entries().values()).allSatisfy(e -> assertThat(e.source())
              .contains("mx=127.0.0.4").contains("reply=550 5.1.1").doesNotContain("@")));
      assertThat(found.stream().filter(s -> s.entries().isEmpty())).as("past the breaker nothing is suppressed")
          .hasSize(15 - THRESHOLD);
      assertThat(bounces.resetBreaker("mass.test")).isTrue();
      assertThat(bounces.trippedDomains()).isEmpty();
    }
  }

  private Relay start(String deliveryYaml) throws Exception {
    int port = TestRelays.freePort();
    Path config = TestRelays.write(dir, port, "transactional", "", deliveryYaml, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    return Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));
  }

  /** Sends one small message; returns the last RCPT's reply code (250 when every recipient was accepted and the message queued). */
  static int send(Relay relay, List<String> rcpts) throws Exception {
    InetSocketAddress at = relay.listeners().get("submission");
    try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", at.getPort()))) {
      c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD);
      c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
      int last = 0;
      for (String r : rcpts) {
        last = c.command("RCPT TO:<" + r + ">").code();
      }
      if (last != 250) {
        return last;
      }
      c.command("DATA");
      var queued = c.command("Subject: appointment reminder\r\n\r\nSee you on Monday.\r\n.");
      return queued.code();
    }
  }

  private static Suppression suppression(Relay relay, String address) {
    return relay.policy().suppressions().find(CLINIC, EmailAddress.parse(address, false).orElseThrow());
  }

  private static boolean attemptWith(Relay relay, String fact) {
    String key = fact.substring(0, fact.indexOf('='));
    String value = fact.substring(fact.indexOf('=') + 1);
    return relay.storage().audit().query(java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60), Optional.empty(), 1000)
        .stream().anyMatch(r -> r.event().type().equals("delivery.attempt") && value.equals(r.event().facts().get(key)));
  }

  private static long messages(Receiver r) {
    try {
      return r.messages().size();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
