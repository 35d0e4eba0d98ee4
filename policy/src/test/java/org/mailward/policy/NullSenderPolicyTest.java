package org.mailward.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.policy.PolicyFixtures.CLINIC;
import static org.mailward.policy.PolicyFixtures.NOW;
import static org.mailward.policy.PolicyFixtures.address;
import static org.mailward.policy.PolicyFixtures.rcpt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageVerdict;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.RuleHit;
import org.mailward.api.SessionInfo;
import org.mailward.api.Transaction;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.queue.rocks.RocksKeyValueStore;

/**
 * The null sender {@code MAIL FROM:<>} (an ESP's bounces, RFC 5321 4.5.5) from a tenant whose default
 * purpose is marketing and who may name the purpose in a header: it is transactional, no header makes
 * it marketing, and suppressions and PHI rules apply as to any message.
 */
class NullSenderPolicyTest {
  @TempDir Path dir;
  RocksKeyValueStore kv;
  ExecutorService executor;
  ConsentPolicyEngine engine;

  @BeforeEach
  void open() {
    kv = RocksKeyValueStore.open(dir.resolve("kv"));
    executor = Executors.newFixedThreadPool(2);
    engine = new ConsentPolicyEngine(PolicyFixtures.config(PolicyFixtures.tenantPolicy(true, PhiPolicy.defaults(), List.of()),
        Duration.ofSeconds(2)), kv, PolicyFixtures.REDACTOR, Clock.fixed(NOW, ZoneOffset.UTC), executor);
  }

  @AfterEach
  void close() throws Exception {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    kv.close();
  }

  static Transaction nullSender() {
    return new Transaction(new SessionInfo("s1", "127.0.0.1", "esp.test", PolicyFixtures.tenant(), Optional.of("TLSv1.3"),
        Optional.empty()), MessageId.generate(NOW.toEpochMilli(), new Random(9)), Optional.empty(), MailParameters.defaults());
  }

  private MessageVerdict finish(List<Recipient> accepted, String message) {
    var inspection = engine.inspect(nullSender());
    inspection.feed(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
    return inspection.finish(accepted).toCompletableFuture().join();
  }

  @Test
  void aBounceToAnAddressWithoutMarketingConsent_isAcceptedAtRcpt_asTransactional() {
    RecipientVerdict v = engine.onRecipient(nullSender(), rcpt("subscriber@example.net")).toCompletableFuture().join();
    assertThat(v).isInstanceOf(RecipientVerdict.Accept.class);
    assertThat(((RecipientVerdict.Accept) v).rule()).isNotEqualTo("purpose.deferred-to-data");
  }

  @Test
  void aMarketingPurposeHeader_doesNotApply_toTheNullSender() {
    MessageVerdict v = finish(List.of(rcpt("subscriber@example.net")),
        "From: MAILER-DAEMON@esp.example\r\nX-Mailward-Purpose: marketing\r\nSubject: Undelivered Mail\r\n\r\nnot delivered\r\n");
    assertThat(v).isInstanceOfSatisfying(MessageVerdict.Accept.class, a -> {
      assertThat(a.purpose()).isEqualTo(Purpose.TRANSACTIONAL);
      assertThat(a.dropped()).isEmpty();
      assertThat(a.evidence()).contains(new RuleHit("purpose.source.null-sender", 1)).doesNotContain(new RuleHit("purpose.source.header", 1));
    });
  }

  @Test
  void aHardBouncedAddress_isStillRefusedAtRcpt() {
    engine.suppressions().hardBounce(CLINIC, address("gone@example.net"), "delivery");
    RecipientVerdict v = engine.onRecipient(nullSender(), rcpt("gone@example.net")).toCompletableFuture().join();
    assertThat(v).isInstanceOfSatisfying(RecipientVerdict.Refuse.class, r -> assertThat(r.rule()).isEqualTo("suppression.hard-bounce"));
  }

  @Test
  void aBounceWhoseSubjectCarriesPhi_isRefusedLikeAnyMessage() {
    MessageVerdict v = finish(List.of(rcpt("pat@example.net")),
        "From: MAILER-DAEMON@esp.example\r\nSubject: Undeliverable: Your chemotherapy schedule\r\n\r\nnot delivered\r\n");
    assertThat(v).isInstanceOfSatisfying(MessageVerdict.Refuse.class, r -> assertThat(r.rule()).isEqualTo("phi.subject"));
  }
}
