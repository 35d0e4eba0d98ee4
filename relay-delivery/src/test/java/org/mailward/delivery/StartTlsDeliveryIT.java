package org.mailward.delivery;

import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditEvent;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageFinisher;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TlsFallback;
import org.mailward.testkit.TestCa;

/**
 * Delivery over STARTTLS to real receivers on loopback (aiosmtpd, Postfix's
 * smtp-sink, a man-in-the-middle proxy): the body goes out only over TLS,
 * retries and bounces behave, DSNs reach the sender, connections are reused.
 */
class StartTlsDeliveryIT {
  @TempDir
  static Path work;
  static TestCa ca;
  static Receiver tls;
  static Receiver tempfail;
  static Receiver rejecting;
  static Receiver senderBox;
  static Process sink;
  static int sinkPort;
  static RecordingProxy sinkProxy;
  static RecordingProxy strippingProxy;

  @BeforeAll
  static void peers() throws Exception {
    ca = TestCa.create("delivery-test-ca");
    tls = Receiver.start(work, "127.0.0.2", Optional.of(ca.issue("mx.tls.test")), "ok");
    tempfail = Receiver.start(work, "127.0.0.4", Optional.of(ca.issue("mx.tempfail.test")), "tempfail-data:1");
    rejecting = Receiver.start(work, "127.0.0.5", Optional.of(ca.issue("mx.reject.test")), "reject-rcpt:nosuchuser", false);
    senderBox = Receiver.start(work, "127.0.0.6", Optional.of(ca.issue("mx.clinic.test")), "ok");
    sinkPort = Ports.free("127.0.0.3");
    sink = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", "127.0.0.3:" + sinkPort, "16")
        .redirectErrorStream(true).redirectOutput(work.resolve("sink.log").toFile()).start();
    Await.until(Duration.ofSeconds(10), () -> Ports.canConnect("127.0.0.3", sinkPort), "smtp-sink");
    sinkProxy = new RecordingProxy("127.0.0.7", new InetSocketAddress("127.0.0.3", sinkPort), false);
    strippingProxy = new RecordingProxy("127.0.0.8", new InetSocketAddress("127.0.0.2", tls.port()), true);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {tls, tempfail, rejecting, senderBox, sinkProxy, strippingProxy}) {
      if (c != null) {
        c.close();
      }
    }
    if (sink != null) {
      sink.destroy();
      sink.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private DeliveryRig rig(DeliveryConfig config) {
    return rig(config, Optional.empty());
  }

  private DeliveryRig rig(DeliveryConfig config, Optional<org.mailward.api.PortalDrop> portal) {
    Clock clock = Clock.systemUTC();
    MemorySpool spool = new MemorySpool(clock);
    MemoryAuditJournal audit = new MemoryAuditJournal();
    DeliveryService s = new DeliveryService(config, spool, audit, MessageFinisher.passThrough(), portal,
        new Redactor("0123456789abcdef0123".getBytes()), clock);
    return new DeliveryRig(spool, audit, s);
  }

  private DeliveryConfig config() throws Exception {
    return TestConfigs.base(ca.writeCaPem(work.resolve("ca-" + System.nanoTime() + ".pem")), Map.of(
        "tls.test", "[127.0.0.2]:" + tls.port(),
        "tempfail.test", "[127.0.0.4]:" + tempfail.port(),
        "reject.test", "[127.0.0.5]:" + rejecting.port(),
        "clinic.test", "[127.0.0.6]:" + senderBox.port(),
        "sink.test", "[127.0.0.7]:" + sinkProxy.port(),
        "strip.test", "[127.0.0.8]:" + strippingProxy.port()), 9);
  }

  private static Optional<RecipientOutcome> outcome(MemorySpool spool, Envelope env, int i) {
    return spool.outcome(env.ref(i));
  }

  private static boolean settled(MemorySpool spool, Envelope env, int i, Class<?> type) {
    return outcome(spool, env, i).filter(type::isInstance).isPresent();
  }

  @Test
  void encryptLevel_isDeliveredOverStartTls_withDotsIntact_andTheAttemptIsAuditedWithoutAddresses() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, "patient@tls.test");
      r.spool().add(env, Mail.body("m1-" + env.id()));
      int before = tls.messages().size();
      r.service().start();
      try {
        Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 0, RecipientOutcome.Delivered.class), "delivery");
      } catch (AssertionError e) {
        System.err.println("DEBUG settled " + r.spool().settled() + " audit " + r.audit().events());
        throw e;
      }

      List<String> got = tls.messages();
      assertThat(got).hasSize(before + 1);
      String msg = got.get(got.size() - 1);
      assertThat(msg).contains("X-Test-TLS: yes").contains("Body line with marker m1-" + env.id())
          .contains("\r\n.leading dot line\r\n").doesNotContain("..leading");
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) outcome(r.spool(), env, 0).orElseThrow();
      assertThat(d.tls().tlsVersion()).hasValueSatisfying(v -> assertThat(v).isIn("TLSv1.2", "TLSv1.3"));
      assertThat(d.reply().code()).isEqualTo(250);
      AuditEvent e = r.audit().of(env.id()).stream().filter(x -> x.type().equals("delivery.attempt")).findFirst().orElseThrow();
      assertThat(e.facts()).containsEntry("outcome", "delivered").containsEntry("mx", "127.0.0.2")
          .containsKey("tls.cipher").containsEntry("level.required", "encrypt");
      assertThat(String.join(" ", e.facts().values())).doesNotContain("@").doesNotContain("patient");
    }
  }

  @Test
  void receiverWithoutStartTls_neverSeesMailCommandsOrTheBody_andTheRecipientIsDeferred() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, "patient@sink.test");
      r.spool().add(env, Mail.body("secret-sink-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 0, RecipientOutcome.Deferred.class), "deferral");

      String wire = sinkProxy.clientBytes();
      assertThat(wire).contains("EHLO mailward.test").contains("QUIT");
      assertThat(wire).doesNotContain("MAIL FROM").doesNotContain("RCPT TO").doesNotContain("DATA")
          .doesNotContain("secret-sink");
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) outcome(r.spool(), env, 0).orElseThrow();
      assertThat(d.reason().label()).contains("starttls-not-offered");
    }
  }

  @Test
  void proxyStrippingStartTls_atEncryptLevel_defersAndNothingIsSent() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, "patient@strip.test");
      r.spool().add(env, Mail.body("secret-strip-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 0, RecipientOutcome.Deferred.class), "deferral");

      assertThat(strippingProxy.clientBytes()).contains("EHLO").doesNotContain("MAIL FROM").doesNotContain("secret-strip");
      assertThat(tls.messages()).noneMatch(m -> m.contains("secret-strip"));
    }
  }

  @Test
  void fallbackBounce_withoutStartTls_bouncesWith_5_7_10_andTheSenderGetsADsn() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, TlsFallback.BOUNCE, MailParameters.defaults(),
          "sender@clinic.test", "patient@sink.test");
      r.spool().add(env, Mail.body("fb-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 0, RecipientOutcome.Bounced.class), "bounce");
      RecipientOutcome.Bounced b = (RecipientOutcome.Bounced) outcome(r.spool(), env, 0).orElseThrow();
      assertThat(b.reply()).hasValueSatisfying(x -> assertThat(x.status()).isEqualTo("5.7.10"));
      Await.until(Duration.ofSeconds(20), () -> messagesContaining(senderBox, env.id().toString()) > 0, "DSN at the sender");
    }
  }

  @Test
  void temporaryFailure_isRetriedLater_andThenDelivered() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, "patient@tempfail.test");
      r.spool().add(env, Mail.body("tf-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(30), () -> settled(r.spool(), env, 0, RecipientOutcome.Delivered.class), "delivery after retry");
      assertThat(r.spool().settled()).filteredOn(s -> s.ref().equals(env.ref(0)))
          .extracting(s -> s.outcome().getClass().getSimpleName()).containsExactly("Deferred", "Delivered");
      RecipientOutcome.Deferred first = (RecipientOutcome.Deferred) r.spool().settled().stream()
          .filter(s -> s.ref().equals(env.ref(0))).findFirst().orElseThrow().outcome();
      assertThat(first.reply()).hasValueSatisfying(x -> assertThat(x.code()).isEqualTo(451));
    }
  }

  @Test
  void permanentRejection_bouncesThatRecipientOnly_andTheDsnCarriesHeadersButNotTheBody() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, TlsFallback.DEFER,
          new MailParameters(0, MailParameters.BodyType.SEVEN_BIT, false, false, Optional.of(MailParameters.DsnReturn.HDRS),
              Optional.of("ENV-42")),
          "sender@clinic.test", "good@reject.test", "nosuchuser@reject.test");
      r.spool().add(env, Mail.body("rj-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 1, RecipientOutcome.Bounced.class), "bounce");
      assertThat(outcome(r.spool(), env, 0)).containsInstanceOf(RecipientOutcome.Delivered.class);
      Await.until(Duration.ofSeconds(20), () -> messagesContaining(senderBox, env.id().toString()) > 0, "DSN at the sender");
      String dsn = senderBox.messages().stream().filter(m -> m.contains(env.id().toString())).findFirst().orElseThrow();
      assertThat(dsn).contains("X-Test-Mail-From: <>").contains("X-Test-TLS: yes")
          .contains("multipart/report; report-type=delivery-status")
          .contains("Final-Recipient: rfc822; nosuchuser@reject.test").contains("Action: failed").contains("Status: 5.1.1")
          .contains("Diagnostic-Code: smtp; 550 5.1.1").contains("Original-Envelope-Id: ENV-42")
          .contains("text/rfc822-headers").contains("Subject: Appointment rj-")
          .doesNotContain("Body line with marker").doesNotContain("Final-Recipient: rfc822; good@");
    }
  }

  @Test
  void manyMessagesToOneDomain_shareOneConnection() throws Exception {
    try (DeliveryRig r = rig(config())) {
      int before = tls.messages().size();
      List<Envelope> envs = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, "p" + i + "@tls.test");
        envs.add(env);
        r.spool().add(env, Mail.body("reuse-" + i));
      }
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> envs.stream().allMatch(e -> settled(r.spool(), e, 0, RecipientOutcome.Delivered.class)),
          "all delivered");
      List<String> got = tls.messages().subList(before, before + 6);
      assertThat(got.stream().map(m -> m.lines().filter(l -> l.startsWith("X-Test-Session")).findFirst().orElseThrow()).distinct())
          .hasSize(1);
      assertThat(r.service().pool().opened()).isEqualTo(1);
    }
  }

  @Test
  void requireTls_toAServerThatDoesNotOfferIt_isNotDeliveredAndBouncesWith_5_7_30() throws Exception {
    try (DeliveryRig r = rig(config())) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.ENCRYPT, TlsFallback.DEFER,
          new MailParameters(0, MailParameters.BodyType.SEVEN_BIT, false, true, Optional.empty(), Optional.empty()),
          "sender@clinic.test", "patient@tls.test");
      r.spool().add(env, Mail.body("rt-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 0, RecipientOutcome.Bounced.class), "bounce");
      RecipientOutcome.Bounced b = (RecipientOutcome.Bounced) outcome(r.spool(), env, 0).orElseThrow();
      assertThat(b.reply()).hasValueSatisfying(x -> assertThat(x.status()).isEqualTo("5.7.30"));
      assertThat(tls.messages()).noneMatch(m -> m.contains("Body line with marker rt-"));
    }
  }

  @Test
  void fallbackPortal_handsTheMessageToThePortal_andSpoolsItsNoticeAtEncryptLevel() throws Exception {
    List<Integer> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.mailward.api.PortalDrop portal = (envelope, index, body) -> {
      held.add(index);
      byte[] notice = "Subject: You have a secure message\r\n\r\nPick it up at the portal.\r\n".getBytes();
      return java.util.concurrent.CompletableFuture.completedFuture(new org.mailward.api.PortalDrop.Receipt("pickup-1",
          java.time.Instant.now().plus(Duration.ofDays(30)), new org.mailward.api.BodySource() {
            @Override
            public java.io.InputStream open() {
              return new java.io.ByteArrayInputStream(notice);
            }

            @Override
            public long size() {
              return notice.length;
            }
          }));
    };
    try (DeliveryRig r = rig(config(), Optional.of(portal))) {
      Envelope env = Mail.envelope(java.time.Instant.now(), SecurityLevel.VERIFY, TlsFallback.PORTAL, MailParameters.defaults(),
          "sender@clinic.test", "patient@sink.test");
      r.spool().add(env, Mail.body("portal-" + env.id()));
      r.service().start();
      Await.until(Duration.ofSeconds(20), () -> settled(r.spool(), env, 0, RecipientOutcome.HeldInPortal.class), "portal hold");
      assertThat(held).containsExactly(0);
      Envelope notice = r.spool().committed().values().stream().filter(e -> !e.id().equals(env.id())).findFirst().orElseThrow();
      assertThat(notice.requiredLevel()).isEqualTo(SecurityLevel.ENCRYPT);
      assertThat(notice.recipients().get(0).address().asString()).isEqualTo("patient@sink.test");
      assertThat(new String(r.spool().committedBody(notice.id()))).contains("Pick it up at the portal").doesNotContain("marker");
      assertThat(sinkProxy.clientBytes()).doesNotContain("portal-" + env.id());
    }
  }

  static long messagesContaining(Receiver r, String s) {
    try {
      return r.messages().stream().filter(m -> m.contains(s)).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
