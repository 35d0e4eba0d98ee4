package org.mailward.delivery;

import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;

/**
 * DANE (RFC 7672) against TLSA records in DNSSEC-signed test zones, validated
 * by dnsjava's ValidatingResolver with the test's trust anchors: DANE-EE and
 * DANE-TA matches deliver (even with a certificate for another name, for EE),
 * a mismatch does not, and a bogus signature — on the TLSA records of a secure
 * host, or on the MX records themselves — defers without connecting. (A
 * resolver without DNSSEC is MxRoutingAndVerifyIT's business.)
 */
class DaneIT {
  @TempDir
  static Path work;
  static TestCa ca;
  static Receiver eeReceiver; // 127.0.0.14: certificate for other.test (DANE-EE ignores names)
  static Receiver taReceiver; // 127.0.0.15: certificate for mx-ta.dane.test from the test CA
  static SignedZoneServer zones;
  static Path anchors;

  @BeforeAll
  static void peers() throws Exception {
    ca = TestCa.create("dane-test-ca");
    TestCa.Issued eeCert = ca.issue("other.test");
    eeReceiver = Receiver.start(work, "127.0.0.14", Optional.of(eeCert), "ok");
    taReceiver = Receiver.start(work, "127.0.0.15", Optional.of(ca.issue("mx-ta.dane.test")), "ok");
    byte[] spkiHash = MessageDigest.getInstance("SHA-256").digest(eeCert.certificate().getPublicKey().getEncoded());
    byte[] caHash = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
    byte[] wrong = MessageDigest.getInstance("SHA-256").digest("not this key".getBytes());
    Name zone = Name.fromString("dane.test.");
    Name bogusZone = Name.fromString("bogus.test.");
    int ee = eeReceiver.port();
    int ta = taReceiver.port();
    zones = new SignedZoneServer("127.0.0.1");
    zones.zone(zone, List.of(
        mx("match.dane.test.", "mx-match.dane.test."), a("mx-match.dane.test.", "127.0.0.14"),
        tlsa("_" + ee + "._tcp.mx-match.dane.test.", 3, 1, 1, spkiHash),
        mx("mismatch.dane.test.", "mx-mismatch.dane.test."), a("mx-mismatch.dane.test.", "127.0.0.14"),
        tlsa("_" + ee + "._tcp.mx-mismatch.dane.test.", 3, 1, 1, wrong),
        mx("ta.dane.test.", "mx-ta.dane.test."), a("mx-ta.dane.test.", "127.0.0.15"),
        tlsa("_" + ta + "._tcp.mx-ta.dane.test.", 2, 0, 1, caHash),
        mx("tlsa-bogus.dane.test.", "mx-tlsa-bogus.dane.test."), a("mx-tlsa-bogus.dane.test.", "127.0.0.14"),
        tlsa("_" + ee + "._tcp.mx-tlsa-bogus.dane.test.", 3, 1, 1, spkiHash)),
        false, java.util.Set.of(Name.fromString("_" + ee + "._tcp.mx-tlsa-bogus.dane.test.")));
    zones.zone(bogusZone, List.of(
        mx("bogus.test.", "mx.bogus.test."), a("mx.bogus.test.", "127.0.0.14"),
        tlsa("_" + ee + "._tcp.mx.bogus.test.", 3, 1, 1, spkiHash)), true);
    zones.start();
    anchors = Files.writeString(work.resolve("anchors.zone"), zones.trustAnchor(zone) + zones.trustAnchor(bogusZone));
  }

  @AfterAll
  static void stop() {
    if (eeReceiver != null) {
      eeReceiver.close();
    }
    if (taReceiver != null) {
      taReceiver.close();
    }
    if (zones != null) {
      zones.close();
    }
  }

  static Record mx(String name, String target) throws Exception {
    return new MXRecord(Name.fromString(name), DClass.IN, 300, 10, Name.fromString(target));
  }

  static Record a(String name, String ip) throws Exception {
    return new ARecord(Name.fromString(name), DClass.IN, 300, InetAddress.getByName(ip));
  }

  static Record tlsa(String name, int usage, int selector, int matching, byte[] data) throws Exception {
    return new TLSARecord(Name.fromString(name), DClass.IN, 300, usage, selector, matching, data);
  }

  private DeliveryRig rig() throws Exception {
    Map<String, String> routes = Map.of(
        "match.dane.test", "match.dane.test:" + eeReceiver.port(),
        "mismatch.dane.test", "mismatch.dane.test:" + eeReceiver.port(),
        "ta.dane.test", "ta.dane.test:" + taReceiver.port(),
        "tlsa-bogus.dane.test", "tlsa-bogus.dane.test:" + eeReceiver.port(),
        "bogus.test", "bogus.test:" + eeReceiver.port());
    DeliveryConfig config = TestConfigs.base(ca.writeCaPem(work.resolve("ca-" + System.nanoTime() + ".pem")), routes, zones.port())
        .withDane(new DeliveryConfig.Dane(true, Optional.of(new InetSocketAddress("127.0.0.1", zones.port())), Optional.of(anchors)));
    Clock clock = Clock.systemUTC();
    MemorySpool spool = new MemorySpool(clock);
    MemoryAuditJournal audit = new MemoryAuditJournal();
    return new DeliveryRig(spool, audit, new DeliveryService(config, spool, audit, MessageFinisher.passThrough(), Optional.empty(),
        new Redactor("0123456789abcdef0123".getBytes()), clock));
  }

  private Envelope send(DeliveryRig r, String rcpt) {
    Envelope env = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, rcpt);
    r.spool().add(env, Mail.body("dane-" + env.id()));
    return env;
  }

  @Test
  void daneEeMatch_deliversEvenWithACertificateForAnotherName_andDaneSetsTheLevel() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, "patient@match.dane.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(env, RecipientOutcome.Delivered.class);
      assertThat(d.tls().verification()).isEqualTo("dane-ee-match");
      assertThat(d.tls().verified()).isTrue();
      assertThat(d.tls().policySource()).isEqualTo("dane");
      assertThat(d.tls().level()).isEqualTo(SecurityLevel.DANE);
    }
  }

  @Test
  void daneTaMatch_deliversWhenTheChainLeadsToTheTlsaTrustAnchor() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, "patient@ta.dane.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(env, RecipientOutcome.Delivered.class);
      assertThat(d.tls().verification()).isEqualTo("dane-ta-match");
    }
  }

  @Test
  void daneMismatch_isNotDelivered_evenAtEncryptLevel() throws Exception {
    try (DeliveryRig r = rig()) {
      int before = eeReceiver.messages().size();
      Envelope env = send(r, "patient@mismatch.dane.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.reason().label()).contains("dane-mismatch");
      assertThat(eeReceiver.messages()).hasSize(before);
    }
  }

  @Test
  void bogusTlsaAnswer_defersWithoutConnecting_andNeverFallsBackToPlainEncrypt() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, "patient@tlsa-bogus.dane.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.reason().label()).contains("tlsa-servfail-or-bogus");
      assertThat(r.audit().of(env.id())).allSatisfy(e -> assertThat(e.facts()).containsEntry("outcome", "skipped"));
    }
  }

  @Test
  void bogusMxAnswer_defersWithoutConnecting_evenThoughThePlainResolverGaveTheMx() throws Exception {
    try (DeliveryRig r = rig()) {
      int before = eeReceiver.messages().size();
      Envelope env = send(r, "patient@bogus.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.reason().label()).isEqualTo("dns-tempfail:mx-dnssec-bogus-or-failed");
      assertThat(r.audit().of(env.id())).allSatisfy(e -> assertThat(e.facts()).containsEntry("outcome", "skipped"));
      assertThat(eeReceiver.messages()).hasSize(before);
    }
  }

  @Test
  void theDestinationView_reportsUsableTlsa_andIndeterminateForBogusAnswers_withoutSendingMail() throws Exception {
    try (DeliveryRig r = rig()) {
      int before = eeReceiver.messages().size();
      org.mailward.api.Destinations view = r.service().destinations();
      org.mailward.api.Destinations.Dane match = view.describe("match.dane.test").toCompletableFuture()
          .get(20, java.util.concurrent.TimeUnit.SECONDS).dane();
      assertThat(match.state()).isEqualTo(org.mailward.api.Destinations.DaneState.USABLE);
      assertThat(match.host()).isEqualTo("mx-match.dane.test");
      assertThat(view.describe("tlsa-bogus.dane.test").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS)
          .dane().state()).isEqualTo(org.mailward.api.Destinations.DaneState.INDETERMINATE);
      assertThat(view.describe("bogus.test").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS)
          .dane().state()).isEqualTo(org.mailward.api.Destinations.DaneState.INDETERMINATE);
      assertThat(eeReceiver.messages()).hasSize(before);
    }
  }
}
