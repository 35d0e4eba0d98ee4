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
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.TestCa;

/**
 * Receivers that behave in ways a well-kept MTA may: a 421 to RCPT under
 * PIPELINING with the connection closed at once (the destination is
 * throttled, like any 421/4.7.x); a server that offers DSN (NOTIFY=SUCCESS is
 * passed on) next to one that does not (Mailward owes a "relayed" DSN); one
 * without 8BITMIME (7-bit content goes, 8-bit content bounces 5.6.3).
 */
class QuirkyReceiverIT {
  @TempDir
  static Path work;
  static TestCa ca;
  static QuirkyReceiver busy; // 127.0.0.16: 421 4.7.0 to RCPT, then closes
  static QuirkyReceiver dsn; // 127.0.0.17: offers DSN
  static Receiver plain; // 127.0.0.18: no DSN
  static QuirkyReceiver sevenBit; // 127.0.0.19: no 8BITMIME

  @BeforeAll
  static void peers() throws Exception {
    ca = TestCa.create("quirky-test-ca");
    busy = QuirkyReceiver.start(work, "127.0.0.16", ca.issue("mx.busy.test"), "rcpt-421");
    dsn = QuirkyReceiver.start(work, "127.0.0.17", ca.issue("mx.dsn.test"), "dsn");
    plain = Receiver.start(work, "127.0.0.18", Optional.of(ca.issue("mx.plain.test")), "ok");
    sevenBit = QuirkyReceiver.start(work, "127.0.0.19", ca.issue("mx.seven.test"), "no-8bitmime");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {busy, dsn, plain, sevenBit}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // stopping anyway
        }
      }
    }
  }

  private DeliveryRig rig(Duration throttleBackoff) throws Exception {
    DeliveryConfig config = TestConfigs.base(ca.writeCaPem(work.resolve("ca-" + System.nanoTime() + ".pem")),
        Map.of("busy.test", "[127.0.0.16]:" + busy.port(), "dsn.test", "[127.0.0.17]:" + dsn.port(),
            "plain.test", "[127.0.0.18]:" + plain.port(), "seven.test", "[127.0.0.19]:" + sevenBit.port()), 9)
        .withRetry(new DeliveryConfig.Retry(Duration.ofMillis(200), Duration.ofMillis(200), 0.0, Duration.ofDays(5),
            Duration.ofDays(1), throttleBackoff));
    Clock clock = Clock.systemUTC();
    MemorySpool spool = new MemorySpool(clock);
    MemoryAuditJournal audit = new MemoryAuditJournal();
    return new DeliveryRig(spool, audit, new DeliveryService(config, spool, audit, MessageFinisher.passThrough(), Optional.empty(),
        new Redactor("0123456789abcdef0123".getBytes()), clock));
  }

  private static long attempts(DeliveryRig r, Envelope env) {
    return r.spool().settled().stream().filter(s -> s.ref().equals(env.ref(0))).count();
  }

  @Test
  void rcpt421UnderPipelining_isAReplyNotALostConnection_andPausesTheDomainForTheThrottleBackoff() throws Exception {
    try (DeliveryRig r = rig(Duration.ofSeconds(2))) {
      Envelope env = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, "patient@busy.test");
      r.spool().add(env, Mail.body("busy-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> attempts(r, env) >= 1, "first attempt");
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.spool().outcome(env.ref(0)).orElseThrow();
      assertThat(d.reply()).hasValueSatisfying(x -> {
        assertThat(x.code()).isEqualTo(421);
        assertThat(x.status()).isEqualTo("4.7.0");
      });
      assertThat(d.reason().kind()).isEqualTo(org.mailward.api.DeliveryFailure.Kind.REMOTE_4XX);
      assertThat(r.audit().of(env.id())).filteredOn(e -> e.type().equals("delivery.attempt")).first()
          .satisfies(e -> assertThat(e.facts()).containsEntry("outcome", "deferred").containsEntry("reason", "4.7.0"));
      // due again after 200 ms, but the domain is paused for 2 s: without the throttle there would be several tries by now
      Thread.sleep(1200);
      assertThat(attempts(r, env)).isEqualTo(1);
      Await.until(Duration.ofSeconds(10), () -> attempts(r, env) >= 2, "a try after the pause");
      assertThat(busy.messages()).isEmpty();
    }
  }

  private static Envelope notifySuccess(DeliveryRig r, String rcpt) {
    Envelope env = Mail.withNotify(Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, rcpt),
        java.util.Set.of(Recipient.Notify.SUCCESS, Recipient.Notify.FAILURE));
    r.spool().add(env, Mail.body("ok-" + env.id()));
    return env;
  }

  private static java.util.List<Envelope> dsns(DeliveryRig r) {
    return r.spool().committed().values().stream().filter(e -> e.reversePath().isEmpty()).toList();
  }

  @Test
  void notifySuccess_toAServerWithoutDsn_getsTheSenderARelayedDsn_withHeadersOnly() throws Exception {
    try (DeliveryRig r = rig(Duration.ofMillis(200))) {
      Envelope env = notifySuccess(r, "patient@plain.test");
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> r.spool().outcome(env.ref(0)).filter(RecipientOutcome.Delivered.class::isInstance)
          .isPresent(), "delivery");
      assertThat(dsns(r)).hasSize(1);
      Envelope notice = dsns(r).get(0);
      assertThat(notice.recipients().get(0).address().asString()).isEqualTo("sender@clinic.example");
      assertThat(new String(r.spool().committedBody(notice.id()), java.nio.charset.StandardCharsets.US_ASCII))
          .contains("Subject: Successful Mail Delivery Report").contains("Action: relayed").contains("Status: 2.0.0")
          .contains("Final-Recipient: rfc822; patient@plain.test").contains("Remote-MTA: dns; 127.0.0.18")
          .contains("Subject: Appointment ok-").doesNotContain("Body line with marker");
    }
  }

  @Test
  void notifySuccess_toAServerWithDsn_isPassedOn_andMailwardSendsNoDsnOfItsOwn() throws Exception {
    try (DeliveryRig r = rig(Duration.ofMillis(200))) {
      Envelope env = notifySuccess(r, "patient@dsn.test");
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> r.spool().outcome(env.ref(0)).filter(RecipientOutcome.Delivered.class::isInstance)
          .isPresent(), "delivery");
      assertThat(dsn.messages()).filteredOn(m -> m.contains("ok-" + env.id())).singleElement()
          .satisfies(m -> assertThat(m).contains("X-Test-Dsn-Rcpt: NOTIFY=FAILURE,SUCCESS"));
      assertThat(dsns(r)).isEmpty();
    }
  }

  private static Envelope eightBitMime(DeliveryRig r, String rcpt, byte[] body) {
    Envelope env = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, org.mailward.api.TlsFallback.DEFER,
        new org.mailward.api.MailParameters(0, org.mailward.api.MailParameters.BodyType.EIGHT_BIT_MIME, false, false,
            Optional.empty(), Optional.empty()), "sender@clinic.example", rcpt);
    r.spool().add(env, body);
    return env;
  }

  @Test
  void eightBitMimeDeclared_butSevenBitContent_goesToAServerWithout8bitmime_withoutBodyParameter() throws Exception {
    try (DeliveryRig r = rig(Duration.ofMillis(200))) {
      Envelope env = eightBitMime(r, "patient@seven.test", Mail.body("ascii"));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> r.spool().outcome(env.ref(0)).filter(RecipientOutcome.Delivered.class::isInstance)
          .isPresent(), "delivery");
      assertThat(sevenBit.messages()).filteredOn(m -> m.contains("Appointment ascii")).singleElement()
          .satisfies(m -> assertThat(m).contains("X-Test-Mail-Options: SIZE=").doesNotContain("BODY="));
    }
  }

  @Test
  void eightBitContent_toAServerWithout8bitmime_bouncesWith_5_6_3_andNothingIsSent() throws Exception {
    try (DeliveryRig r = rig(Duration.ofMillis(200))) {
      byte[] body = ("From: <sender@clinic.example>\r\nSubject: Rendez-vous\r\nContent-Type: text/plain; charset=utf-8\r\n"
          + "Content-Transfer-Encoding: 8bit\r\n\r\nVotre caf\u00e9 est pr\u00eat.\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Envelope env = eightBitMime(r, "patient@seven.test", body);
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> r.spool().outcome(env.ref(0)).filter(RecipientOutcome.Bounced.class::isInstance)
          .isPresent(), "bounce");
      RecipientOutcome.Bounced b = (RecipientOutcome.Bounced) r.spool().outcome(env.ref(0)).orElseThrow();
      assertThat(b.reply()).hasValueSatisfying(x -> assertThat(x.status()).isEqualTo("5.6.3"));
      assertThat(sevenBit.messages()).noneMatch(m -> m.contains("Rendez-vous"));
      assertThat(dsns(r)).singleElement().satisfies(d -> assertThat(new String(r.spool().committedBody(d.id()),
          java.nio.charset.StandardCharsets.UTF_8)).contains("Action: failed").contains("Status: 5.6.3"));
    }
  }
}
