package org.mailward.delivery.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailward.api.DeliveryAgent;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.Purpose;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.TlsFallback;
import org.mailward.delivery.Await;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.Mail;
import org.mailward.delivery.dsn.DsnWriter;
import org.mailward.delivery.dsn.Injector;
import org.mailward.testkit.MemorySpool;

class SchedulerTest {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
  private final MemorySpool spool = new MemorySpool(clock);
  private final List<String> delivered = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    thread.shutdownNow();
  }

  private DeliveryConfig config(int maxActive, int claimBatch, int maxInFlight, int perConnection) {
    DeliveryConfig d = DeliveryConfig.defaults();
    return d.withLimits(new DeliveryConfig.Limits(maxActive, claimBatch, maxInFlight, maxInFlight, 1, 0, Duration.ofMillis(5)))
        .withSmtp(d.smtp().withMessagesPerConnection(perConnection));
  }

  private Scheduler scheduler(DeliveryConfig config, DeliveryAgent agent) {
    RetryPolicy retry = new RetryPolicy(config.retry(), new java.util.Random(1));
    Injector injector = new Injector(spool, Runnable::run);
    DsnWriter dsn = new DsnWriter(spool, injector, "mailward.test", retry, new org.mailward.delivery.dsn.RelayedNotices(), clock,
        new java.security.SecureRandom());
    return new Scheduler(spool, agent, dsn, retry, config, clock, thread);
  }

  /** An agent that answers every recipient at once with {@code outcome}. */
  private DeliveryAgent agent(Function<DeliveryAgent.Item, RecipientOutcome> outcome) {
    return batch -> {
      List<Spool.Settlement> out = new ArrayList<>();
      for (DeliveryAgent.Item it : batch.items()) {
        delivered.add(new String(read(it), StandardCharsets.US_ASCII).lines().filter(l -> l.startsWith("Subject:")).findFirst()
            .orElseThrow());
        for (int i : it.recipientIndexes()) {
          out.add(new Spool.Settlement(it.envelope().ref(i), outcome.apply(it)));
        }
      }
      return CompletableFuture.completedFuture(out);
    };
  }

  private static byte[] read(DeliveryAgent.Item it) {
    try (var in = it.body().open()) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Envelope add(String marker, Instant receivedAt) {
    Envelope env = Mail.envelope(receivedAt, SecurityLevel.ENCRYPT, "p-" + marker + "@dest.example");
    spool.add(env, Mail.body(marker));
    return env;
  }

  @Test
  void freshMail_isNotStarvedByADeferredBacklog() {
    List<Spool.Settlement> backlog = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Envelope env = add("old" + i, NOW.minus(Duration.ofHours(2)));
      backlog.add(new Spool.Settlement(env.ref(0), new RecipientOutcome.Deferred(org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.REMOTE_4XX, "4.0.0"), Optional.empty(), Optional.empty(),
          NOW.minus(Duration.ofHours(1)))));
    }
    spool.claimDue(NOW, 1000);
    spool.settle(backlog);
    add("fresh", NOW);
    Scheduler s = scheduler(config(2, 2, 1, 1), agent(it -> new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "ok"),
        new org.mailward.api.TlsFacts("mx", Optional.empty(), Optional.empty(), false, "x", SecurityLevel.ENCRYPT, "tenant"))));
    s.start();
    Await.until(Duration.ofSeconds(10), () -> delivered.size() >= 31, "everything delivered");
    assertThat(delivered.indexOf("Subject: Appointment fresh")).isLessThan(4);
  }

  @Test
  void aTransactionReportedEarly_isSettledAtOnce_whileTheRestOfItsBatchIsStillInFlight() {
    Envelope first = add("first", NOW);
    Envelope second = add("second", NOW);
    CompletableFuture<List<Spool.Settlement>> rest = new CompletableFuture<>();
    List<org.mailward.api.RecipientRef> batchOrder = new CopyOnWriteArrayList<>();
    RecipientOutcome ok = new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "ok"),
        new org.mailward.api.TlsFacts("mx", Optional.empty(), Optional.empty(), false, "x", SecurityLevel.ENCRYPT, "tenant"));
    DeliveryAgent slow = new DeliveryAgent() {
      @Override
      public java.util.concurrent.CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch) {
        throw new AssertionError("the scheduler asks for early outcomes");
      }

      @Override
      public java.util.concurrent.CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch, EarlyOutcomes early) {
        assertThat(batch.items()).hasSize(2);
        early.completed(List.of(new Spool.Settlement(batch.items().get(0).envelope().ref(0), ok)));
        batchOrder.addAll(batch.items().stream().map(i -> i.envelope().ref(0)).toList());
        return rest;
      }
    };
    Scheduler s = scheduler(config(10, 10, 1, 10), slow);
    s.start();
    Await.until(Duration.ofSeconds(10), () -> batchOrder.size() == 2 && spool.outcome(batchOrder.get(0)).isPresent(),
        "the transaction reported early settled");
    assertThat(spool.outcome(batchOrder.get(1))).as("the other message, still in flight").isEmpty();
    rest.complete(List.of(new Spool.Settlement(batchOrder.get(1), ok)));
    Await.until(Duration.ofSeconds(10), () -> spool.outcome(batchOrder.get(1)).isPresent(), "the rest settled");
    assertThat(List.of(first.ref(0), second.ref(0))).containsExactlyInAnyOrderElementsOf(batchOrder);
    assertThat(spool.settled()).as("each recipient settled once").hasSize(2);
  }

  @Test
  void theActiveSet_isBounded_whileDeliveriesAreInFlight() {
    for (int i = 0; i < 50; i++) {
      add("m" + i, NOW);
    }
    List<CompletableFuture<List<Spool.Settlement>>> held = new CopyOnWriteArrayList<>();
    DeliveryAgent stuck = batch -> {
      CompletableFuture<List<Spool.Settlement>> f = new CompletableFuture<>();
      held.add(f);
      return f;
    };
    Scheduler s = scheduler(config(10, 4, 3, 2), stuck);
    s.start();
    Await.until(Duration.ofSeconds(10), () -> held.size() == 3 && spool.leased() == 10, "three batches in flight, ten leased");
    try {
      Thread.sleep(100); // twenty more scheduler rounds: none may claim beyond the bound
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(spool.leased()).isEqualTo(10);
    assertThat(held).hasSize(3);
  }

  @Test
  void aDeferralPastTheQueueLifetime_bouncesWith_4_4_7_andTheSenderGetsADsnWithoutTheBody() {
    Envelope old = add("expiring", NOW.minus(Duration.ofDays(6)));
    Scheduler s = scheduler(config(10, 10, 1, 10), agent(it -> new RecipientOutcome.Deferred(org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.CONNECT_FAILED), Optional.empty(),
        Optional.empty(), NOW.plusSeconds(60))));
    s.start();
    Await.until(Duration.ofSeconds(10), () -> spool.outcome(old.ref(0)).filter(RecipientOutcome.Bounced.class::isInstance).isPresent(),
        "expiry bounce");
    RecipientOutcome.Bounced b = (RecipientOutcome.Bounced) spool.outcome(old.ref(0)).orElseThrow();
    assertThat(b.reply()).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo("4.4.7"));
    Envelope dsn = spool.committed().values().stream().filter(e -> e.reversePath().isEmpty()).findFirst().orElseThrow();
    assertThat(dsn.purpose()).isEqualTo(Purpose.TRANSACTIONAL);
    assertThat(dsn.recipients().get(0).address().asString()).isEqualTo("sender@clinic.example");
    String text = new String(spool.committedBody(dsn.id()), StandardCharsets.US_ASCII);
    assertThat(text).contains("Status: 4.4.7").contains("Final-Recipient: rfc822; p-expiring@dest.example")
        .contains("Subject: Appointment expiring").doesNotContain("Body line with marker");
  }

  @Test
  void retFull_includesTheWholeOriginal_onlyAtEncryptLevel() {
    MailParameters full = new MailParameters(0, MailParameters.BodyType.SEVEN_BIT, false, false,
        Optional.of(MailParameters.DsnReturn.FULL), Optional.empty());
    Envelope enc = Mail.envelope(NOW, SecurityLevel.ENCRYPT, TlsFallback.BOUNCE, full, "a@clinic.example", "x@dest.example");
    Envelope phi = Mail.envelope(NOW, SecurityLevel.VERIFY, TlsFallback.BOUNCE, full, "b@clinic.example", "y@dest.example");
    spool.add(enc, Mail.body("enc"));
    spool.add(phi, Mail.body("phi"));
    Scheduler s = scheduler(config(10, 10, 1, 10), agent(it -> new RecipientOutcome.Bounced(org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.REMOTE_5XX, "5.1.1"),
        Optional.of(SmtpReply.of(550, "5.1.1", "no such user")), Optional.empty())));
    s.start();
    Await.until(Duration.ofSeconds(10), () -> spool.committed().values().stream().filter(e -> e.reversePath().isEmpty()).count() == 2, "two DSNs");
    String encDsn = dsnFor("a@clinic.example");
    String phiDsn = dsnFor("b@clinic.example");
    assertThat(encDsn).contains("message/rfc822").contains("Body line with marker enc");
    assertThat(phiDsn).contains("text/rfc822-headers").doesNotContain("Body line with marker phi");
    Envelope phiNotice = spool.committed().values().stream().filter(e -> e.reversePath().isEmpty()
        && e.recipients().get(0).address().asString().equals("b@clinic.example")).findFirst().orElseThrow();
    assertThat(phiNotice.requiredLevel()).isEqualTo(SecurityLevel.VERIFY);
  }

  @Test
  void nullSenderMessages_andNotifyNever_getNoDsn() {
    Envelope bounceOfBounce = Mail.envelope(NOW, SecurityLevel.ENCRYPT, TlsFallback.BOUNCE, MailParameters.defaults(), null,
        "x@dest.example");
    spool.add(bounceOfBounce, Mail.body("nb"));
    Scheduler s = scheduler(config(10, 10, 1, 10), agent(it -> new RecipientOutcome.Bounced(org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.REMOTE_5XX, "5.1.1"),
        Optional.of(SmtpReply.of(550, "5.1.1", "no such user")), Optional.empty())));
    s.start();
    Await.until(Duration.ofSeconds(10), () -> spool.isFinished(bounceOfBounce.id()), "bounce settled");
    assertThat(spool.committed()).hasSize(1);
  }

  private String dsnFor(String sender) {
    Envelope e = spool.committed().values().stream().filter(x -> x.reversePath().isEmpty()
        && x.recipients().get(0).address().asString().equals(sender)).findFirst().orElseThrow();
    return new String(spool.committedBody(e.id()), StandardCharsets.US_ASCII);
  }

  @Test
  void theDeferralThatCrossesTheDelayWarningTime_sendsOneDelayedDsn_butNotForALaterOne_norForNotifyFailureOnly() {
    Envelope crossing = add("crossing", NOW.minus(Duration.ofHours(5)));   // due before the 4 h mark, tried after it
    Envelope warned = add("warned", NOW.minus(Duration.ofHours(6)));       // due after the mark: warned already
    Envelope failureOnly = Mail.withNotify(Mail.envelope(NOW.minus(Duration.ofHours(5)), SecurityLevel.ENCRYPT,
        "p-failonly@dest.example"), java.util.Set.of(org.mailward.api.Recipient.Notify.FAILURE));
    spool.add(failureOnly, Mail.body("failonly"));
    spool.claimDue(NOW, 1000);
    spool.settle(List.of(
        new Spool.Settlement(crossing.ref(0), deferred(NOW.minus(Duration.ofHours(2)))),
        new Spool.Settlement(warned.ref(0), deferred(NOW.minus(Duration.ofMinutes(30)))),
        new Spool.Settlement(failureOnly.ref(0), deferred(NOW.minus(Duration.ofHours(2))))));
    Scheduler s = scheduler(config(10, 10, 1, 10), agent(it -> new RecipientOutcome.Deferred(org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.REMOTE_4XX, "4.0.0"),
        Optional.of(SmtpReply.of(451, "4.3.0", "try later")), Optional.empty(), NOW.plusSeconds(600))));
    s.start();
    Await.until(Duration.ofSeconds(10), () -> spool.settled().size() >= 6, "three more deferrals");
    List<Envelope> dsns = spool.committed().values().stream().filter(e -> e.reversePath().isEmpty()).toList();
    assertThat(dsns).hasSize(1);
    String text = new String(spool.committedBody(dsns.get(0).id()), StandardCharsets.US_ASCII);
    assertThat(text).contains("Subject: Delayed Mail (still being retried)").contains("Action: delayed").contains("Status: 4.3.0")
        .contains("Final-Recipient: rfc822; p-crossing@dest.example").contains("Will-Retry-Until: ")
        .contains("Diagnostic-Code: smtp; 451 4.3.0 try later").contains("Subject: Appointment crossing")
        .doesNotContain("Body line with marker");
  }

  private static RecipientOutcome.Deferred deferred(Instant retryAt) {
    return new RecipientOutcome.Deferred(org.mailward.api.DeliveryFailure.of(org.mailward.api.DeliveryFailure.Kind.REMOTE_4XX, "4.0.0"), Optional.empty(), Optional.empty(), retryAt);
  }
}
