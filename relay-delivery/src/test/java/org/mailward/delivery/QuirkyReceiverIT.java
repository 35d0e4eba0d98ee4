package org.mailward.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.Envelope;
import org.mailward.api.MessageFinisher;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.testkit.TestCa;

/**
 * Receivers that behave in ways a well-kept MTA may: a 421 to RCPT under
 * PIPELINING with the connection closed at once (the destination is
 * throttled, like any 421/4.7.x).
 */
class QuirkyReceiverIT {
  @TempDir
  static Path work;
  static TestCa ca;
  static QuirkyReceiver busy; // 127.0.0.16: 421 4.7.0 to RCPT, then closes

  @BeforeAll
  static void peers() throws Exception {
    ca = TestCa.create("quirky-test-ca");
    busy = QuirkyReceiver.start(work, "127.0.0.16", ca.issue("mx.busy.test"), "rcpt-421");
  }

  @AfterAll
  static void stop() {
    if (busy != null) {
      busy.close();
    }
  }

  private record Rig(MemorySpool spool, MemoryAudit audit, DeliveryService service) implements AutoCloseable {
    @Override
    public void close() {
      service.stop();
    }
  }

  private Rig rig(Duration throttleBackoff) throws Exception {
    DeliveryConfig config = TestConfigs.base(ca.writeCaPem(work.resolve("ca-" + System.nanoTime() + ".pem")),
        Map.of("busy.test", "[127.0.0.16]:" + busy.port()), 9)
        .withRetry(new DeliveryConfig.Retry(Duration.ofMillis(200), Duration.ofMillis(200), 0.0, Duration.ofDays(5),
            Duration.ofDays(1), throttleBackoff));
    Clock clock = Clock.systemUTC();
    MemorySpool spool = new MemorySpool(clock);
    MemoryAudit audit = new MemoryAudit();
    return new Rig(spool, audit, new DeliveryService(config, spool, audit, MessageFinisher.passThrough(), Optional.empty(),
        new Redactor("0123456789abcdef0123".getBytes()), clock));
  }

  private static long attempts(Rig r, Envelope env) {
    return r.spool().settled.stream().filter(s -> s.ref().equals(env.ref(0))).count();
  }

  @Test
  void rcpt421UnderPipelining_isAReplyNotALostConnection_andPausesTheDomainForTheThrottleBackoff() throws Exception {
    try (Rig r = rig(Duration.ofSeconds(2))) {
      Envelope env = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, "patient@busy.test");
      r.spool().add(env, Mail.body("busy-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> attempts(r, env) >= 1, "first attempt");
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.spool().outcome(env.ref(0)).orElseThrow();
      assertThat(d.reply()).hasValueSatisfying(x -> {
        assertThat(x.code()).isEqualTo(421);
        assertThat(x.status()).isEqualTo("4.7.0");
      });
      assertThat(d.reason()).isEqualTo("deferred");
      assertThat(r.audit().of(env.id())).filteredOn(e -> e.type().equals("delivery.attempt")).first()
          .satisfies(e -> assertThat(e.facts()).containsEntry("outcome", "deferred").containsEntry("reason", "4.7.0"));
      // due again after 200 ms, but the domain is paused for 2 s: without the throttle there would be several tries by now
      Thread.sleep(1200);
      assertThat(attempts(r, env)).isEqualTo(1);
      Await.until(Duration.ofSeconds(10), () -> attempts(r, env) >= 2, "a try after the pause");
      assertThat(busy.messages()).isEmpty();
    }
  }
}
