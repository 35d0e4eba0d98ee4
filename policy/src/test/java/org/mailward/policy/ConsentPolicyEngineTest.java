package org.mailward.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.policy.PolicyFixtures.CLINIC;
import static org.mailward.policy.PolicyFixtures.NOW;
import static org.mailward.policy.PolicyFixtures.address;
import static org.mailward.policy.PolicyFixtures.rcpt;
import static org.mailward.policy.PolicyFixtures.transaction;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.HeaderEdit;
import org.mailward.api.KeyValueStore;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.RuleHit;
import org.mailward.api.SecurityLevel;
import org.mailward.policy.PolicyConfig.MatchOn;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.policy.PolicyConfig.PurposeRule;
import org.mailward.policy.PolicyConfig.SubjectAction;
import org.mailward.policy.consent.ConsentRegistry.Grant;
import org.mailward.policy.consent.SuppressionReason;
import org.mailward.queue.rocks.RocksKeyValueStore;
import org.mailward.testkit.FaultyKeyValueStore;

/** The engine on a real RocksDB store: RCPT decisions, post-DATA drops, PHI actions, unsubscribe headers. */
class ConsentPolicyEngineTest {
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path dir;
  RocksKeyValueStore kv;
  ExecutorService executor;

  @BeforeEach
  void open() {
    kv = RocksKeyValueStore.open(dir.resolve("kv"));
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void close() throws Exception {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    kv.close();
  }

  private ConsentPolicyEngine engine(PolicyConfig.TenantPolicy policy) {
    return engine(policy, kv, Duration.ofSeconds(2));
  }

  private ConsentPolicyEngine engine(PolicyConfig.TenantPolicy policy, KeyValueStore store, Duration timeout) {
    return new ConsentPolicyEngine(PolicyFixtures.config(policy, timeout), store, PolicyFixtures.REDACTOR, CLOCK, executor);
  }

  private static PolicyConfig.TenantPolicy rules(PurposeRule... rules) {
    return PolicyFixtures.tenantPolicy(false, PhiPolicy.defaults(), List.of(rules));
  }

  private static RecipientVerdict rcptVerdict(PolicyEngine engine, String sender, String to) {
    return engine.onRecipient(transaction(sender), rcpt(to)).toCompletableFuture().join();
  }

  private static void grantMarketing(ConsentPolicyEngine engine, String to, Optional<java.time.Instant> expires) {
    engine.registry().grant(CLINIC, address(to), new Grant(Set.of(Purpose.MARKETING), NOW.minusSeconds(86_400), expires,
        "doc-4711", "test"));
  }

  @Test
  void marketingWithoutAuthorization_isRefusedWith_5_7_1_namingTheRule_notTheAddress() {
    ConsentPolicyEngine engine = engine(rules());
    RecipientVerdict v = rcptVerdict(engine, "news@clinic.example", "Pat.Doe@Example.net");
    assertThat(v).isInstanceOf(RecipientVerdict.Refuse.class);
    RecipientVerdict.Refuse r = (RecipientVerdict.Refuse) v;
    assertThat(r.rule()).isEqualTo("consent.missing");
    assertThat(r.reply().toWire()).startsWith("550 5.7.1 ").contains("rule consent.missing").doesNotContainIgnoringCase("pat.doe");
  }

  @Test
  void marketingWithValidAuthorization_isAccepted_evenWithDifferentCase() {
    ConsentPolicyEngine engine = engine(rules());
    grantMarketing(engine, "pat.doe@example.net", Optional.of(NOW.plusSeconds(86_400)));
    assertThat(rcptVerdict(engine, "news@clinic.example", "PAT.DOE@example.NET"))
        .isEqualTo(new RecipientVerdict.Accept("consent.authorized"));
  }

  @Test
  void expiredAuthorization_isRefusedAs_consent_expired() {
    ConsentPolicyEngine engine = engine(rules());
    grantMarketing(engine, "pat@example.net", Optional.of(NOW.minusSeconds(1)));
    assertThat(((RecipientVerdict.Refuse) rcptVerdict(engine, "news@clinic.example", "pat@example.net")).rule())
        .isEqualTo("consent.expired");
  }

  @Test
  void revocation_takesEffectForTheVeryNextRcpt_despiteTheCache() {
    ConsentPolicyEngine engine = engine(rules());
    grantMarketing(engine, "pat@example.net", Optional.of(NOW.plusSeconds(86_400)));
    assertThat(rcptVerdict(engine, "news@clinic.example", "pat@example.net")).isInstanceOf(RecipientVerdict.Accept.class);
    engine.registry().revoke(CLINIC, address("pat@example.net"), "patient call");
    RecipientVerdict after = rcptVerdict(engine, "news@clinic.example", "pat@example.net");
    assertThat(((RecipientVerdict.Refuse) after).rule()).isEqualTo("consent.revoked");
  }

  @Test
  void treatmentMail_needsNoAuthorization_butHonoursItsSuppression() {
    ConsentPolicyEngine engine = engine(rules(new PurposeRule(MatchOn.SENDER_ADDRESS, "reminders@clinic.example", Purpose.TREATMENT)));
    assertThat(rcptVerdict(engine, "reminders@clinic.example", "pat@example.net"))
        .isEqualTo(new RecipientVerdict.Accept("purpose.treatment"));
    engine.suppressions().add(CLINIC, address("pat@example.net"), Set.of(Purpose.TREATMENT), SuppressionReason.MANUAL, "ops");
    RecipientVerdict.Refuse r = (RecipientVerdict.Refuse) rcptVerdict(engine, "reminders@clinic.example", "pat@example.net");
    assertThat(r.rule()).isEqualTo("suppression.manual");
    assertThat(r.reply().code()).isEqualTo(550);
  }

  @Test
  void fundraisingOptOut_isRefusedAs_fundraising_optedOut() {
    ConsentPolicyEngine engine = engine(rules(new PurposeRule(MatchOn.SENDER_DOMAIN, "foundation.clinic.example", Purpose.FUNDRAISING)));
    assertThat(rcptVerdict(engine, "give@foundation.clinic.example", "pat@example.net"))
        .isEqualTo(new RecipientVerdict.Accept("purpose.fundraising"));
    engine.suppressions().add(CLINIC, address("pat@example.net"), Set.of(Purpose.FUNDRAISING), SuppressionReason.UNSUBSCRIBE, "x");
    assertThat(((RecipientVerdict.Refuse) rcptVerdict(engine, "give@foundation.clinic.example", "pat@example.net")).rule())
        .isEqualTo("fundraising.opted-out");
  }

  @Test
  void hardBounce_suppressesEveryPurpose() {
    ConsentPolicyEngine engine = engine(rules(new PurposeRule(MatchOn.CREDENTIAL, "apikey-clinic", Purpose.OPERATIONS)));
    engine.suppressions().hardBounce(CLINIC, address("gone@example.net"), "delivery");
    assertThat(((RecipientVerdict.Refuse) rcptVerdict(engine, "ops@clinic.example", "gone@example.net")).rule())
        .isEqualTo("suppression.hard-bounce");
  }

  @Test
  void storeFailure_isAnsweredWith_451_4_3_0() {
    KeyValueStore broken = new FaultyKeyValueStore(kv, FaultyKeyValueStore.Fault.FAIL, Duration.ZERO);
    RecipientVerdict.Refuse r = (RecipientVerdict.Refuse) rcptVerdict(engine(rules(), broken, Duration.ofSeconds(2)),
        "news@clinic.example", "pat@example.net");
    assertThat(r.reply().toWire()).startsWith("451 4.3.0 ");
    assertThat(r.rule()).isEqualTo("policy.unavailable");
  }

  @Test
  void slowStore_timesOutInto_451_4_3_0() {
    KeyValueStore slow = new FaultyKeyValueStore(kv, FaultyKeyValueStore.Fault.SLOW, Duration.ofSeconds(1));
    RecipientVerdict.Refuse r = (RecipientVerdict.Refuse) rcptVerdict(engine(rules(), slow, Duration.ofMillis(100)),
        "news@clinic.example", "pat@example.net");
    assertThat(r.reply().code()).isEqualTo(451);
  }

  @Test
  void pipelinedBurstOfMixedRecipients_getsTheRightAnswerEach() {
    ConsentPolicyEngine engine = engine(rules());
    for (int i = 0; i < 200; i += 2) {
      grantMarketing(engine, "p" + i + "@example.net", Optional.of(NOW.plusSeconds(3600)));
    }
    engine.suppressions().add(CLINIC, address("p10@example.net"), Set.of(Purpose.MARKETING), SuppressionReason.COMPLAINT, "fbl");
    List<CompletableFuture<RecipientVerdict>> burst = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      burst.add(engine.onRecipient(transaction("news@clinic.example"), rcpt("p" + i + "@example.net")).toCompletableFuture());
    }
    for (int i = 0; i < 200; i++) {
      RecipientVerdict v = burst.get(i).join();
      if (i == 10) {
        assertThat(((RecipientVerdict.Refuse) v).rule()).isEqualTo("suppression.complaint");
      } else if (i % 2 == 0) {
        assertThat(v).as("recipient %d", i).isInstanceOf(RecipientVerdict.Accept.class);
      } else {
        assertThat(((RecipientVerdict.Refuse) v).rule()).isEqualTo("consent.missing");
      }
    }
  }

  @Test
  void headerPurpose_defersToData_thenDropsRecipientsWithoutConsent_andStripsTheHeader() {
    ConsentPolicyEngine engine = engine(PolicyFixtures.tenantPolicy(true, PhiPolicy.defaults(), List.of()));
    grantMarketing(engine, "yes@example.net", Optional.of(NOW.plusSeconds(3600)));
    assertThat(rcptVerdict(engine, "news@clinic.example", "no@example.net"))
        .isEqualTo(new RecipientVerdict.Accept("purpose.deferred-to-data"));
    List<Recipient> accepted = List.of(rcpt("yes@example.net"), rcpt("no@example.net"));
    MessageVerdict.Accept v = (MessageVerdict.Accept) finish(engine, accepted,
        "From: news@clinic.example\r\nX-Mailward-Purpose: marketing\r\nSubject: Spring news\r\n\r\nHello\r\n");
    assertThat(v.purpose()).isEqualTo(Purpose.MARKETING);
    assertThat(v.dropped()).containsExactly(new MessageVerdict.Dropped(1, "consent.missing"));
    assertThat(v.headerEdits()).contains(new HeaderEdit.Remove("X-Mailward-Purpose"));
    assertThat(v.evidence()).contains(new RuleHit("dropped.consent.missing", 1), new RuleHit("purpose.source.header", 1));

    MessageVerdict.Accept treatment = (MessageVerdict.Accept) finish(engine, accepted,
        "From: news@clinic.example\r\nX-Mailward-Purpose: treatment\r\nSubject: Reminder\r\n\r\nHello\r\n");
    assertThat(treatment.purpose()).isEqualTo(Purpose.TREATMENT);
    assertThat(treatment.dropped()).isEmpty();
  }

  @Test
  void headerPurposeMode_stillRefusesAHardBouncedAddressAtRcpt() {
    ConsentPolicyEngine engine = engine(PolicyFixtures.tenantPolicy(true, PhiPolicy.defaults(), List.of()));
    engine.suppressions().hardBounce(CLINIC, address("gone@example.net"), "delivery");
    assertThat(((RecipientVerdict.Refuse) rcptVerdict(engine, "news@clinic.example", "gone@example.net")).rule())
        .isEqualTo("suppression.hard-bounce");
  }

  @Test
  void bodyBeyondTheScanBudget_isRecorded_andKeepsTheTenantsLevel_whenNoOpaqueLevelIsSet() {
    MessageVerdict.Accept v = finishBeyondBudget(PhiPolicy.defaults());
    assertThat(v.requiredLevel()).isEqualTo(SecurityLevel.ENCRYPT);
    assertThat(v.evidence()).contains(new RuleHit("phi.scan.truncated", 1));
  }

  @Test
  void bodyBeyondTheScanBudget_raisesTheLevelToTheOpaqueAttachmentLevel_whenTheTenantSetsOne() {
    PhiPolicy d = PhiPolicy.defaults();
    MessageVerdict.Accept v = finishBeyondBudget(new PhiPolicy(d.enabled(), d.subjectAction(), d.neutralSubject(), d.bodyLevel(),
        d.windowChars(), d.identifierAloneIsPhi(), d.patterns(), java.util.Optional.of(SecurityLevel.VERIFY)));
    assertThat(v.requiredLevel()).isEqualTo(SecurityLevel.VERIFY);
    assertThat(v.evidence()).contains(new RuleHit("phi.scan.truncated", 1));
  }

  private MessageVerdict.Accept finishBeyondBudget(PhiPolicy phi) {
    PolicyConfig base = PolicyFixtures.config(PolicyFixtures.tenantPolicy(false, phi,
        List.of(new PurposeRule(MatchOn.CREDENTIAL, "apikey-clinic", Purpose.TREATMENT))));
    PolicyConfig.Global g = base.global();
    PolicyConfig small = new PolicyConfig(new PolicyConfig.Global(PolicyFixtures.TOKEN_SECRET, g.tokenLifetime(),
        g.consentCacheSize(), g.consentCacheTtl(), g.lookupTimeout(), 4096), base.tenants());
    ConsentPolicyEngine engine = new ConsentPolicyEngine(small, kv, PolicyFixtures.REDACTOR, CLOCK, executor);
    return (MessageVerdict.Accept) finish(engine, List.of(rcpt("pat@example.net")),
        "Subject: Reminder\r\n\r\n" + "See you on Tuesday.\r\n".repeat(1000));
  }

  @Test
  void subjectPhi_isRefusedUnderTheRefuseRule() {
    ConsentPolicyEngine engine = engine(rules(new PurposeRule(MatchOn.CREDENTIAL, "apikey-clinic", Purpose.TREATMENT)));
    MessageVerdict v = finish(engine, List.of(rcpt("pat@example.net")), "Subject: Your chemotherapy schedule\r\n\r\nHello\r\n");
    assertThat(v).isInstanceOf(MessageVerdict.Refuse.class);
    MessageVerdict.Refuse r = (MessageVerdict.Refuse) v;
    assertThat(r.reply().toWire()).startsWith("550 5.7.1 ").contains("phi.subject");
    assertThat(r.evidence()).contains(new RuleHit("phi.subject.health.procedure", 1));
  }

  @Test
  void subjectPhi_isRewrittenUnderTheRewriteRule_andBodyPhiRaisesTheLevel() {
    PhiPolicy d = PhiPolicy.defaults();
    PhiPolicy rewrite = new PhiPolicy(true, SubjectAction.REWRITE, "Message from your care team", SecurityLevel.PORTAL,
        d.windowChars(), false, List.of(), Optional.empty());
    ConsentPolicyEngine engine = engine(PolicyFixtures.tenantPolicy(false, rewrite,
        List.of(new PurposeRule(MatchOn.CREDENTIAL, "apikey-clinic", Purpose.TREATMENT))));
    MessageVerdict.Accept v = (MessageVerdict.Accept) finish(engine, List.of(rcpt("pat@example.net")),
        "Subject: Your diabetes results\r\n\r\nDOB: 04/12/1961. Your A1C was high; we adjusted your metformin.\r\n");
    assertThat(v.headerEdits()).containsExactly(new HeaderEdit.Replace("Subject", "Message from your care team"));
    assertThat(v.requiredLevel()).isEqualTo(SecurityLevel.PORTAL);
    assertThat(v.evidence()).contains(new RuleHit("phi.body", 1), new RuleHit("phi.id.dob", 1))
        .allSatisfy(h -> assertThat(h.rule()).doesNotContain("1961").doesNotContain("metformin"));
  }

  @Test
  void marketingToOneRecipient_getsOneClickUnsubscribeHeaders_andIsSigned_whenDkimConfigured() {
    ConsentPolicyEngine engine = engine(rules());
    MessageVerdict.Accept v = (MessageVerdict.Accept) finish(engine, List.of(rcpt("pat@example.net")),
        "Subject: Spring news\r\nList-Unsubscribe: <https://esp.example/x>\r\n\r\nHello\r\n");
    assertThat(v.headerEdits()).hasSize(2);
    HeaderEdit.Replace lu = (HeaderEdit.Replace) v.headerEdits().get(0);
    assertThat(lu.name()).isEqualTo("List-Unsubscribe");
    assertThat(lu.value()).startsWith("<https://u.clinic.example/u/").endsWith(">").doesNotContain("pat");
    assertThat(v.headerEdits().get(1)).isEqualTo(new HeaderEdit.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));

    MessageVerdict.Accept two = (MessageVerdict.Accept) finish(engine, List.of(rcpt("a@example.net"), rcpt("b@example.net")),
        "Subject: Spring news\r\n\r\nHello\r\n");
    assertThat(two.headerEdits()).isEmpty();
    assertThat(two.evidence()).contains(new RuleHit("unsubscribe.multi-recipient-skipped", 2));
  }

  @Test
  void storeHoldsNoAddress_inAnyNamespace() {
    ConsentPolicyEngine engine = engine(rules());
    grantMarketing(engine, "findme@example.net", Optional.of(NOW.plusSeconds(3600)));
    engine.suppressions().hardBounce(CLINIC, address("findme2@example.net"), "delivery");
    for (String ns : List.of("consent.authorization", "consent.suppression", "consent.changes")) {
      List<String> seen = new ArrayList<>();
      kv.scan(ns, new byte[0], null, (k, value) -> {
        seen.add(new String(k, StandardCharsets.ISO_8859_1) + new String(value, StandardCharsets.ISO_8859_1));
        return true;
      });
      assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain("findme").doesNotContain("example.net"));
    }
  }

  @Test
  void aLateAbortOrFeed_leavesTheFinishingScanItsBody_andASecondFinishFailsClosed() {
    ConsentPolicyEngine engine = engine(rules(new PurposeRule(MatchOn.CREDENTIAL, "apikey-clinic", Purpose.TREATMENT)));
    String phi = "Subject: Reminder\r\n\r\nSSN 123-45-6789, treated for diabetes.\r\n";
    for (int round = 0; round < 20; round++) { // pooled blocks come back and are reused round after round
      PolicyEngine.MessageInspection inspection = engine.inspect(transaction("news@clinic.example"));
      inspection.feed(ByteBuffer.wrap((round % 2 == 0 ? phi : "Subject: Reminder\r\n\r\nSee you soon.\r\n")
          .getBytes(StandardCharsets.UTF_8)));
      CompletableFuture<MessageVerdict> verdict = inspection.finish(List.of(rcpt("pat@example.net"))).toCompletableFuture();
      inspection.abort();
      inspection.feed(ByteBuffer.wrap("SSN 123-45-6789 diabetes".getBytes(StandardCharsets.UTF_8)));
      assertThat(inspection.finish(List.of(rcpt("pat@example.net"))).toCompletableFuture()).isCompletedExceptionally();
      MessageVerdict.Accept v = (MessageVerdict.Accept) verdict.join();
      assertThat(v.evidence().contains(new RuleHit("phi.body", 1))).as("round " + round).isEqualTo(round % 2 == 0);
    }
  }

  private static MessageVerdict finish(ConsentPolicyEngine engine, List<Recipient> accepted, String message) {
    PolicyEngine.MessageInspection inspection = engine.inspect(transaction("news@clinic.example"));
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 7) { // arbitrary chunk boundaries
      inspection.feed(ByteBuffer.wrap(bytes, i, Math.min(7, bytes.length - i)));
    }
    return inspection.finish(accepted).toCompletableFuture().join();
  }

  static final Set<Purpose> ALL = EnumSet.allOf(Purpose.class);
}
