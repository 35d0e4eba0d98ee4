package org.mailward.policy.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;
import org.mailward.queue.rocks.RocksKeyValueStore;

/**
 * Re-keying the consent registry on a real RocksDB store: records of supplied addresses move to
 * the new key's hashes and read back through a registry on the new key; a record nobody supplied
 * an address for is reported, not lost; a second run (as after a crash) moves nothing twice; an
 * unsubscribe link minted under the old key still suppresses after the rotation.
 */
class RedactorRekeyingTest {
  private static final TenantId CLINIC = new TenantId("clinic");
  private static final EmailAddress ANN = EmailAddress.parse("ann@patients.example", false).orElseThrow();
  private static final EmailAddress BOB = EmailAddress.parse("bob@patients.example", false).orElseThrow();
  private static final EmailAddress CAT = EmailAddress.parse("cat@patients.example", false).orElseThrow();
  private final Redactor oldKey = new Redactor("old redactor key, 32 bytes long!".getBytes());
  private final Redactor newKey = new Redactor("new redactor key, 32 bytes long!".getBytes());
  @TempDir Path dir;

  @Test
  void suppliedAddressesMove_othersAreReported_aRerunIsHarmless_andOldUnsubscribeLinksStillWork() {
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      ConsentStore before = new ConsentStore(kv, oldKey, Clock.systemUTC());
      new ConsentRegistry(before).grant(CLINIC, ANN, new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
          Instant.now().minusSeconds(60), Optional.of(Instant.now().plusSeconds(86400 * 30)), "form-1", "test"));
      new Suppressions(before).add(CLINIC, BOB, Set.of(Purpose.MARKETING), SuppressionReason.MANUAL, "test");
      new Suppressions(before).add(CLINIC, CAT, Set.of(Purpose.MARKETING), SuppressionReason.HARD_BOUNCE, "test");
      byte[] annLinkHash = before.recipientHash(CLINIC, ANN); // what an unsubscribe link sent earlier carries

      RedactorRekeying rekey = new RedactorRekeying(kv, oldKey, newKey);
      assertThat(rekey.tenants()).containsExactly(CLINIC);
      assertThat(rekey.rekey(CLINIC, List.of(ANN, BOB)).moved()).isEqualTo(2);
      assertThat(rekey.unmapped()).containsExactly(java.util.Map.entry("clinic " + ConsentStore.SUPPRESSIONS, 1L));
      RedactorRekeying.Report again = rekey.rekey(CLINIC, List.of(ANN, BOB));
      assertThat(again.moved()).as("a rerun after a crash").isZero();
      assertThat(again.alreadyMoved()).isEqualTo(2);
      rekey.finish();

      ConsentStore after = new ConsentStore(kv, newKey, Clock.systemUTC());
      assertThat(new ConsentRegistry(after).find(CLINIC, ANN)).isPresent();
      assertThat(new Suppressions(after).find(CLINIC, BOB).entries()).containsKey(Purpose.MARKETING);
      assertThat(new Suppressions(after).find(CLINIC, CAT).entries()).as("not supplied: stays under the old hash").isEmpty();
      assertThat(kv.get(RedactorRekeying.TARGETS, ConsentStore.key(CLINIC, after.recipientHash(CLINIC, ANN)))).isEmpty();

      new Suppressions(after).addByHash(CLINIC, annLinkHash, Set.of(Purpose.MARKETING), SuppressionReason.UNSUBSCRIBE,
          "one-click");
      assertThat(new Suppressions(after).find(CLINIC, ANN).entries()).as("an old link suppresses the re-keyed record")
          .containsKey(Purpose.MARKETING);
      assertThat(new ConsentRegistry(after).revokeByHash(CLINIC, annLinkHash, "one-click").orElseThrow().revokedAt())
          .isPresent();
    }
  }
}
