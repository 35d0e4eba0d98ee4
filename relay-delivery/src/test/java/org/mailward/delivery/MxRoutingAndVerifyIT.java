package org.mailward.delivery;

import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
import org.mailward.api.AuditEvent;
import org.mailward.api.Envelope;
import org.mailward.api.MessageFinisher;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.testkit.TestCa;

/**
 * MX routing through a real resolver (dnsmasq) and certificate checks:
 * preference order with fallback to the next MX, implicit MX, null MX, VERIFY
 * against the MX host name (good, wrong name, expired), and MTA-STS (RFC 8461)
 * policies fetched over HTTPS: enforce with a good certificate, enforce with a
 * wrong one, an MX outside the policy, and testing mode (reported, not enforced);
 * and DANE switched on behind this resolver, which knows nothing of DNSSEC.
 */
class MxRoutingAndVerifyIT {
  @TempDir
  static Path work;
  static TestCa ca;
  static Receiver good;      // 127.0.0.10, certificate for mx2.mx.test and friends
  static Receiver wrongName; // 127.0.0.11, certificate for other.test
  static Receiver expired;   // 127.0.0.12, expired certificate for mx.expired.test
  static PolicyServer policies;
  static Dnsmasq dns;

  @BeforeAll
  static void peers() throws Exception {
    ca = TestCa.create("mx-test-ca");
    good = Receiver.start(work, "127.0.0.10", Optional.of(ca.issue("mx2.mx.test", "implicit.test")), "ok");
    wrongName = Receiver.start(work, "127.0.0.11", Optional.of(ca.issue("other.test")), "ok");
    expired = Receiver.start(work, "127.0.0.12", Optional.of(ca.issueExpired("mx.expired.test")), "ok");
    policies = new PolicyServer("127.0.0.13", ca.issue("mta-sts.sts.test", "mta-sts.sts-ok.test", "mta-sts.sts-other.test",
        "mta-sts.sts-testing.test"));
    policies.policies.put("sts.test", "version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmax_age: 86400\r\n");
    policies.policies.put("sts-ok.test", "version: STSv1\r\nmode: enforce\r\nmx: *.mx.test\r\nmax_age: 86400\r\n");
    policies.policies.put("sts-other.test", "version: STSv1\r\nmode: enforce\r\nmx: *.elsewhere.test\r\nmax_age: 86400\r\n");
    policies.policies.put("sts-testing.test", "version: STSv1\r\nmode: testing\r\nmx: mx.sts.test\r\nmax_age: 86400\r\n");
    dns = Dnsmasq.start(work, List.of(
        "--mx-host=mx.test,mx1.mx.test,10", "--mx-host=mx.test,mx2.mx.test,20",
        "--host-record=mx1.mx.test,127.0.0.9", "--host-record=mx2.mx.test,127.0.0.10",
        "--host-record=implicit.test,127.0.0.10",
        "--dns-rr=nullmx.test,15,000000",
        "--mx-host=wrongname.test,mx.wrongname.test,10", "--host-record=mx.wrongname.test,127.0.0.11",
        "--mx-host=expired.test,mx.expired.test,10", "--host-record=mx.expired.test,127.0.0.12",
        "--mx-host=sts.test,mx.sts.test,10", "--host-record=mx.sts.test,127.0.0.11",
        "--txt-record=_mta-sts.sts.test,v=STSv1; id=20261126",
        "--mx-host=sts-ok.test,mx2.mx.test,10", "--txt-record=_mta-sts.sts-ok.test,v=STSv1; id=1",
        "--mx-host=sts-other.test,mx2.mx.test,10", "--txt-record=_mta-sts.sts-other.test,v=STSv1; id=1",
        "--mx-host=sts-testing.test,mx.sts.test,10", "--txt-record=_mta-sts.sts-testing.test,v=STSv1; id=1",
        "--host-record=mta-sts.sts.test,127.0.0.13", "--host-record=mta-sts.sts-ok.test,127.0.0.13",
        "--host-record=mta-sts.sts-other.test,127.0.0.13", "--host-record=mta-sts.sts-testing.test,127.0.0.13"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {good, wrongName, expired, policies, dns}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private DeliveryRig rig() throws Exception {
    return rig(new DeliveryConfig.Dane(false, Optional.empty(), Optional.empty()));
  }

  private DeliveryRig rig(DeliveryConfig.Dane dane) throws Exception {
    Map<String, String> routes = Map.of(
        "mx.test", "mx.test:" + good.port(),
        "implicit.test", "implicit.test:" + good.port(),
        "nullmx.test", "nullmx.test:" + good.port(),
        "wrongname.test", "wrongname.test:" + wrongName.port(),
        "expired.test", "expired.test:" + expired.port(),
        "sts.test", "sts.test:" + wrongName.port(),
        "sts-ok.test", "sts-ok.test:" + good.port(),
        "sts-other.test", "sts-other.test:" + good.port(),
        "sts-testing.test", "sts-testing.test:" + wrongName.port());
    DeliveryConfig config = TestConfigs.base(ca.writeCaPem(work.resolve("ca-" + System.nanoTime() + ".pem")), routes, dns.port())
        .withMtaSts(new DeliveryConfig.MtaSts(true, policies.port(), Duration.ofSeconds(3), Duration.ofDays(1)))
        .withDane(dane);
    Clock clock = Clock.systemUTC();
    MemorySpool spool = new MemorySpool(clock);
    MemoryAuditJournal audit = new MemoryAuditJournal();
    DeliveryService s = new DeliveryService(config, spool, audit, MessageFinisher.passThrough(), Optional.empty(),
        new Redactor("0123456789abcdef0123".getBytes()), clock);
    return new DeliveryRig(spool, audit, s);
  }

  private static List<AuditEvent> attempts(DeliveryRig r, Envelope env) {
    return r.audit().of(env.id()).stream().filter(e -> e.type().equals("delivery.attempt")).toList();
  }

  private Envelope send(DeliveryRig r, SecurityLevel level, String rcpt) {
    Envelope env = Mail.envelope(Instant.now(), level, rcpt);
    r.spool().add(env, Mail.body("mx-" + env.id()));
    return env;
  }

  @Test
  void verifyLevel_firstMxDown_fallsBackToTheNextMx_andDeliversWithAVerifiedCertificate() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, SecurityLevel.VERIFY, "patient@mx.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(env, RecipientOutcome.Delivered.class);
      assertThat(d.tls().mxHost()).isEqualTo("mx2.mx.test");
      assertThat(d.tls().verified()).isTrue();
      assertThat(d.tls().verification()).isEqualTo("pkix-ok");
      assertThat(attempts(r, env)).extracting(e -> e.facts().get("mx")).containsExactly("mx1.mx.test", "mx2.mx.test");
      assertThat(attempts(r, env).get(0).facts()).containsEntry("outcome", "connect-failed");
    }
  }

  @Test
  void domainWithoutMx_usesItsOwnAddress_asTheImplicitMx() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, SecurityLevel.VERIFY, "patient@implicit.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(env, RecipientOutcome.Delivered.class);
      assertThat(d.tls().mxHost()).isEqualTo("implicit.test");
    }
  }

  @Test
  void nullMx_bouncesWith_5_1_10_withoutConnecting() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, SecurityLevel.ENCRYPT, "patient@nullmx.test");
      r.service().start();
      RecipientOutcome.Bounced b = (RecipientOutcome.Bounced) r.await(env, RecipientOutcome.Bounced.class);
      assertThat(b.reply()).hasValueSatisfying(x -> assertThat(x.status()).isEqualTo("5.1.10"));
      assertThat(b.reason().kind()).isEqualTo(org.mailward.api.DeliveryFailure.Kind.NULL_MX);
      // the attempt is on record, with no host and no address: nothing was connected to
      assertThat(attempts(r, env)).singleElement().satisfies(a -> assertThat(a.facts()).containsEntry("mx", "none")
          .containsEntry("reason", "null-mx").doesNotContainKey("ip"));
    }
  }

  @Test
  void verifyLevel_wrongNameCertificate_isNotDelivered_andTheAuditSaysWhy() throws Exception {
    try (DeliveryRig r = rig()) {
      int before = wrongName.messages().size();
      Envelope env = send(r, SecurityLevel.VERIFY, "patient@wrongname.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.reason().label()).contains("pkix-name-mismatch");
      assertThat(attempts(r, env).get(0).facts()).containsEntry("tls.verified", "false")
          .containsEntry("tls.verification", "pkix-name-mismatch").containsEntry("outcome", "tls-unmet");
      assertThat(wrongName.messages()).hasSize(before);
    }
  }

  @Test
  void encryptLevel_wrongNameCertificate_isStillDelivered_unverified() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, SecurityLevel.ENCRYPT, "patient@wrongname.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(env, RecipientOutcome.Delivered.class);
      assertThat(d.tls().verified()).isFalse();
      assertThat(d.tls().verification()).isEqualTo("pkix-name-mismatch");
    }
  }

  @Test
  void verifyLevel_expiredCertificate_isNotDelivered() throws Exception {
    try (DeliveryRig r = rig()) {
      int before = expired.messages().size();
      Envelope env = send(r, SecurityLevel.VERIFY, "patient@expired.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.reason().label()).contains("pkix-expired");
      assertThat(expired.messages()).hasSize(before);
    }
  }

  @Test
  void mtaStsEnforce_withAWrongCertificate_raisesEncryptToVerify_andNothingIsDelivered() throws Exception {
    try (DeliveryRig r = rig()) {
      int before = wrongName.messages().size();
      Envelope env = send(r, SecurityLevel.ENCRYPT, "patient@sts.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.tls()).hasValueSatisfying(t -> {
        assertThat(t.policySource()).isEqualTo("mta-sts");
        assertThat(t.level()).isEqualTo(SecurityLevel.VERIFY);
      });
      assertThat(wrongName.messages()).hasSize(before);
      assertThat(policies.fetches).containsKey("sts.test");
    }
  }

  @Test
  void mtaStsEnforce_withAGoodCertificate_deliversVerified_andThePolicyIsCached() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope first = send(r, SecurityLevel.ENCRYPT, "a@sts-ok.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(first, RecipientOutcome.Delivered.class);
      assertThat(d.tls().policySource()).isEqualTo("mta-sts");
      assertThat(d.tls().verified()).isTrue();
      int fetched = policies.fetches.get("sts-ok.test");
      Envelope second = send(r, SecurityLevel.ENCRYPT, "b@sts-ok.test");
      r.await(second, RecipientOutcome.Delivered.class);
      assertThat(policies.fetches.get("sts-ok.test")).isEqualTo(fetched);
    }
  }

  @Test
  void mtaStsEnforce_mxOutsideThePolicy_isNeverConnectedTo() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, SecurityLevel.ENCRYPT, "patient@sts-other.test");
      r.service().start();
      RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) r.await(env, RecipientOutcome.Deferred.class);
      assertThat(d.reason().label()).contains("mta-sts-mx-mismatch");
      assertThat(attempts(r, env)).allSatisfy(e -> assertThat(e.facts()).containsEntry("outcome", "skipped"));
    }
  }

  @Test
  void tlsRequiredNo_setsMtaStsAsideForEncryptMail_butNeverForVerifyMail() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope plain = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, "a@sts.test");
      r.spool().add(plain, Mail.body("trn-" + plain.id(), "TLS-Required: No\r\n"));
      Envelope phi = Mail.envelope(Instant.now(), SecurityLevel.VERIFY, "b@sts.test");
      r.spool().add(phi, Mail.body("trn-" + phi.id(), "TLS-Required: No\r\n"));
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(plain, RecipientOutcome.Delivered.class);
      assertThat(d.tls().verified()).isFalse();
      assertThat(d.tls().level()).isEqualTo(SecurityLevel.ENCRYPT);
      RecipientOutcome.Deferred x = (RecipientOutcome.Deferred) r.await(phi, RecipientOutcome.Deferred.class);
      assertThat(x.reason().label()).contains("pkix-name-mismatch");
      assertThat(wrongName.messages()).noneMatch(m -> m.contains("trn-" + phi.id()));
    }
  }

  @Test
  void mtaStsTesting_isReportedButNotEnforced() throws Exception {
    try (DeliveryRig r = rig()) {
      Envelope env = send(r, SecurityLevel.ENCRYPT, "patient@sts-testing.test");
      r.service().start();
      RecipientOutcome.Delivered d = (RecipientOutcome.Delivered) r.await(env, RecipientOutcome.Delivered.class);
      assertThat(d.tls().verification()).contains("mta-sts-testing-would-fail");
      assertThat(d.tls().policySource()).isEqualTo("tenant");
    }
  }

  @Test
  void daneOnWithTheDefaultRootAnchor_behindAResolverWithoutDnssec_deliversAtTheNormalLevel_andAuditsDaneIndeterminate()
      throws Exception {
    try (DeliveryRig r = rig(DeliveryConfig.Dane.defaults())) {
      Envelope verify = send(r, SecurityLevel.VERIFY, "patient@mx.test");
      Envelope encrypt = send(r, SecurityLevel.ENCRYPT, "patient@wrongname.test");
      r.service().start();
      RecipientOutcome.Delivered v = (RecipientOutcome.Delivered) r.await(verify, RecipientOutcome.Delivered.class);
      assertThat(v.tls().level()).isEqualTo(SecurityLevel.VERIFY);
      assertThat(v.tls().verification()).isEqualTo("pkix-ok");
      RecipientOutcome.Delivered e = (RecipientOutcome.Delivered) r.await(encrypt, RecipientOutcome.Delivered.class);
      assertThat(e.tls().level()).isEqualTo(SecurityLevel.ENCRYPT);
      assertThat(e.tls().policySource()).isEqualTo("tenant");
      assertThat(r.audit().of(verify.id())).filteredOn(x -> x.type().equals("dane.indeterminate")).first()
          .satisfies(x -> assertThat(x.facts()).containsEntry("name", "mx.test").containsEntry("reason", "mx-dnssec-indeterminate"));
      assertThat(r.audit().events()).noneMatch(x -> x.facts().getOrDefault("reason", "").contains("tlsa"));
    }
  }

  @Test
  void theDestinationView_showsMxHostsInPreferenceOrder_theCachedMtaStsPolicy_andTheLastOutcome() throws Exception {
    try (DeliveryRig r = rig()) {
      org.mailward.api.Destinations view = r.service().destinations();
      int fetchedBefore = policies.fetches.getOrDefault("sts-ok.test", 0);
      org.mailward.api.Destinations.View before = view.describe("sts-ok.test").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(before.mtaSts()).as("nothing fetched for the view").isEmpty();
      assertThat(before.lastOutcome()).isEmpty();
      assertThat(policies.fetches.getOrDefault("sts-ok.test", 0)).as("the view fetches no policy").isEqualTo(fetchedBefore);

      Envelope env = send(r, SecurityLevel.ENCRYPT, "c@sts-ok.test");
      r.service().start();
      r.await(env, RecipientOutcome.Delivered.class);
      Await.until(Duration.ofSeconds(20), () -> view.describe("sts-ok.test").toCompletableFuture().join().lastOutcome().isPresent(),
          "the last outcome");
      org.mailward.api.Destinations.View after = view.describe("sts-ok.test").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(after.route()).isEqualTo("override sts-ok.test:" + good.port());
      assertThat(after.hosts()).extracting(org.mailward.api.Destinations.Host::name).containsExactly("mx2.mx.test");
      assertThat(after.mtaSts()).hasValueSatisfying(p -> {
        assertThat(p.mode()).isEqualTo("enforce");
        assertThat(p.maxAgeSeconds()).isEqualTo(86400);
        assertThat(p.mxPatterns()).containsExactly("*.mx.test");
      });
      assertThat(after.dane().state()).isEqualTo(org.mailward.api.Destinations.DaneState.OFF);
      assertThat(after.lastOutcome().orElseThrow().result()).isEqualTo("delivered");
      assertThat(after.lastOutcome().orElseThrow().mx()).contains("mx2.mx.test[127.0.0.10]");
      assertThat(after.throttle().pausedUntil()).isEmpty();

      org.mailward.api.Destinations.View two = view.describe("mx.test").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(two.hosts()).extracting(org.mailward.api.Destinations.Host::name).containsExactly("mx1.mx.test", "mx2.mx.test");
      assertThat(two.hosts()).extracting(org.mailward.api.Destinations.Host::preference).containsExactly(10, 20);
      assertThat(two.hosts().get(0).addresses()).containsExactly("127.0.0.9:" + good.port());
      assertThat(view.describe("nullmx.test").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS).route())
          .isEqualTo("null-mx");
    }
  }
}
