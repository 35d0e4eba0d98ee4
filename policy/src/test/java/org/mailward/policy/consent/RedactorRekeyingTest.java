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
 * unsubscribe link minted under the old key still suppresses after the rotation; a run that dies
 * after any batch, rerun, leaves every record under the new key exactly once.
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

  @Test
  void aCrashAfterAnyBatch_thenARerun_leavesEveryRecordUnderTheNewKeyOnce() {
    List<EmailAddress> people = java.util.stream.IntStream.range(0, 300)
        .mapToObj(i -> EmailAddress.parse("p" + i + "@patients.example", false).orElseThrow()).toList();
    for (int crashAfter = 0; crashAfter <= 1; crashAfter++) {
      Path store = dir.resolve("kv" + crashAfter);
      try (RocksKeyValueStore kv = RocksKeyValueStore.open(store)) {
        Suppressions before = new Suppressions(new ConsentStore(kv, oldKey, Clock.systemUTC()));
        people.forEach(p -> before.add(CLINIC, p, Set.of(Purpose.MARKETING), SuppressionReason.MANUAL, "test"));
        int[] left = {crashAfter};
        org.mailward.api.KeyValueStore dying = new org.mailward.api.KeyValueStore() { // the process dies before batch n+1
          @Override
          public Optional<byte[]> get(String ns, byte[] key) {
            return kv.get(ns, key);
          }

          @Override
          public void write(Batch batch) {
            if (left[0]-- <= 0) {
              throw new IllegalStateException("killed");
            }
            kv.write(batch);
          }

          @Override
          public void scan(String ns, byte[] from, byte[] to, Visitor visitor) {
            kv.scan(ns, from, to, visitor);
          }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RedactorRekeying(dying, oldKey, newKey).rekey(CLINIC, people))
            .hasMessage("killed");

        RedactorRekeying.Report rerun = new RedactorRekeying(kv, oldKey, newKey).rekey(CLINIC, people);
        assertThat(rerun.moved() + rerun.alreadyMoved()).as("crash after batch %d", crashAfter).isEqualTo(300);
        assertThat(rerun.alreadyMoved()).isEqualTo(256L * crashAfter);
        assertThat(new RedactorRekeying(kv, oldKey, newKey).unmapped()).isEmpty();
        Suppressions after = new Suppressions(new ConsentStore(kv, newKey, Clock.systemUTC()));
        assertThat(people).allSatisfy(p -> assertThat(after.find(CLINIC, p).entries()).containsKey(Purpose.MARKETING));
        long[] records = {0};
        kv.scan(ConsentStore.SUPPRESSIONS, new byte[0], null, (k, v) -> ++records[0] > 0);
        assertThat(records[0]).as("each record once").isEqualTo(300);
      }
    }
  }
}
