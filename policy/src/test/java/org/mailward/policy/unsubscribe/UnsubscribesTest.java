package org.mailward.policy.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.policy.PolicyFixtures.CLINIC;
import static org.mailward.policy.PolicyFixtures.NOW;
import static org.mailward.policy.PolicyFixtures.address;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.Purpose;
import org.mailward.api.RecipientVerdict;
import org.mailward.policy.ConsentPolicyEngine;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.policy.PolicyFixtures;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.queue.rocks.RocksKeyValueStore;

class UnsubscribesTest {
  @TempDir Path dir;
  RocksKeyValueStore kv;
  ExecutorService executor;
  ConsentPolicyEngine engine;

  @BeforeEach
  void open() {
    kv = RocksKeyValueStore.open(dir.resolve("kv"));
    executor = Executors.newFixedThreadPool(2);
    engine = new ConsentPolicyEngine(PolicyFixtures.config(PolicyFixtures.tenantPolicy(false, PhiPolicy.defaults(), List.of())),
        kv, PolicyFixtures.REDACTOR, Clock.fixed(NOW, ZoneOffset.UTC), executor);
  }

  @AfterEach
  void close() {
    executor.shutdownNow();
    kv.close();
  }

  private String token(String to) {
    byte[] hash = PolicyFixtures.REDACTOR.hash(CLINIC.value() + "\n" + address(to).normalized());
    return engine.tokens().mint(CLINIC, hash, Purpose.MARKETING);
  }

  @Test
  void oneClickRevocation_refusesTheVeryNextRcpt_andIsIdempotent() {
    engine.registry().grant(CLINIC, address("pat@example.net"), new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
        NOW.minusSeconds(60), Optional.of(NOW.plusSeconds(86_400)), "doc", "crm"));
    var tx = PolicyFixtures.transaction("news@clinic.example");
    assertThat(engine.onRecipient(tx, PolicyFixtures.rcpt("pat@example.net")).toCompletableFuture().join())
        .isInstanceOf(RecipientVerdict.Accept.class);

    String token = token("pat@example.net");
    Unsubscribes.Result first = engine.unsubscribes().revoke(token);
    assertThat(first).isEqualTo(new Unsubscribes.Result.Revoked(CLINIC, Purpose.MARKETING, false,
        Optional.of(URI.create("https://esp.example/unsub"))));
    RecipientVerdict.Refuse next = (RecipientVerdict.Refuse) engine.onRecipient(tx, PolicyFixtures.rcpt("pat@example.net"))
        .toCompletableFuture().join();
    assertThat(next.rule()).isEqualTo("suppression.unsubscribe");
    assertThat(((Unsubscribes.Result.Revoked) engine.unsubscribes().revoke(token)).alreadySuppressed()).isTrue();
    assertThat(engine.registry().find(CLINIC, address("pat@example.net")).orElseThrow().revokedAt()).isPresent();
  }

  @Test
  void tamperedToken_isRejected() {
    byte[] raw = Base64.getUrlDecoder().decode(token("pat@example.net"));
    raw[5] ^= 1;
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertThat(engine.unsubscribes().revoke(forged)).isEqualTo(new Unsubscribes.Result.Rejected("invalid: bad signature"));
    assertThat(engine.unsubscribes().revoke("!!!")).isInstanceOf(Unsubscribes.Result.Rejected.class);
  }

  @Test
  void expiredToken_isRejected() {
    String token = token("pat@example.net");
    UnsubscribeTokens later = new UnsubscribeTokens(PolicyFixtures.TOKEN_SECRET,
        Clock.fixed(NOW.plus(Duration.ofDays(61)), ZoneOffset.UTC), Duration.ofDays(60));
    assertThat(later.verify(token)).isInstanceOf(UnsubscribeTokens.Check.Expired.class);
  }

  @Test
  void token_isShortUrlSafeAndHoldsNoAddress() {
    String token = token("pat.doe@example.net");
    assertThat(token).matches("[A-Za-z0-9_-]+").hasSizeLessThan(120);
    String decoded = new String(Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(decoded).doesNotContain("pat").doesNotContain("example");
  }
}
