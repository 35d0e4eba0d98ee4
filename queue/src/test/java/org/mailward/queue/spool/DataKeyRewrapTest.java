package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.crypto.DataKey;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.crypto.MasterKey;
import org.mailward.queue.crypto.WrappedKeyHolders;
import org.mailward.queue.rocks.RocksDatabase;

/** {@link DataKeyRewrapper} on a real spool: re-wrap, destroy, and shredding kept exact. */
class DataKeyRewrapTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();

  @Test
  void aRotationWhileRunning_rewrapsEveryDataKey_theBodiesStillOpen_andTheOldKeyIsDestroyedAndAudited() throws Exception {
    SpoolConfig config = SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0);
    var fast = new DataKeyRewrapper.Settings(Duration.ZERO, Duration.ofMillis(20), Duration.ZERO, 3);
    List<MessageId> ids = new ArrayList<>();
    try (SpoolStorage s = open(config, fast)) {
      for (int i = 0; i < 20; i++) {
        ids.add(commit(s, i));
      }
      String oldKey = s.dataKeysByMasterKey().keySet().iterator().next();
      String newKey = MasterKey.loadOrCreate(config.masterKeyFile(), random).rotate(); // `keys rotate-master`
      await(() -> s.keyRotation().destroyed() == 1);
      ids.add(commit(s, 20));
      assertThat(s.keyRotation().rewrapped()).isEqualTo(20);
      assertThat(s.dataKeysByMasterKey()).containsOnlyKeys(newKey).containsEntry(newKey, 21L);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(SpoolFixtures.readAll(s.spool().body(ids.get(i)).orElseThrow())).isEqualTo(SpoolFixtures.body(i, 5000 + i));
      }
      assertThat(Files.readString(config.masterKeyFile())).doesNotContain(oldKey);
      await(() -> s.audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(), 100).stream()
          .anyMatch(r -> r.event().type().equals("master-key.destroyed")));
      var events = s.audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(), 100).stream()
          .map(r -> r.event()).filter(e -> e.type().startsWith("master-key.")).toList();
      assertThat(events).extracting(e -> e.type()).containsExactly("master-key.activated", "master-key.destroyed");
      assertThat(events.get(0).facts()).containsEntry("keyId", newKey).containsEntry("previousKeyId", oldKey);
      assertThat(events.get(1).facts()).containsEntry("keyId", oldKey).containsEntry("rewrapped", "20");
    }
  }

  @Test
  void aDataKeyWhoseMessageIsGone_isDeletedByThePass_notKeptAlive() throws Exception {
    SpoolConfig config = SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0);
    MasterKey ring = MasterKey.loadOrCreate(config.masterKeyFile(), random);
    try (RocksDatabase db = RocksDatabase.open(dir.resolve("rocksdb"))) { // as a crash between re-wrap and check leaves it
      db.db().put(db.handle(RocksDatabase.Family.KEYS), new byte[16], DataKey.generate(random).toStored(ring));
    }
    ring.rotate();
    var fast = new DataKeyRewrapper.Settings(Duration.ZERO, Duration.ofMillis(20), Duration.ZERO, 8);
    try (SpoolStorage s = open(config, fast)) {
      await(() -> s.keyRotation().destroyed() == 1);
      assertThat(s.keyRotation().orphansRemoved()).isEqualTo(1);
      assertThat(s.dataKeysByMasterKey()).isEmpty();
    }
  }

  @Test
  void withAKeyringFromTheEnvironment_everyKeyIsRewrapped_theOldKeyIsOnlyReported_andPassesStop() throws Exception {
    SpoolConfig config = SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0);
    String k1 = "mwk1 0000aaaa " + Base64.getEncoder().encodeToString(new byte[32]);
    String k2 = "mwk1 0000bbbb " + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    var fast = new DataKeyRewrapper.Settings(Duration.ZERO, Duration.ofMillis(20), Duration.ZERO, 3);
    List<MessageId> ids = new ArrayList<>();
    try (SpoolStorage s = RocksChronicleSpool.open(config, Clock.systemUTC(),
        MasterKey.fromEnvironment("MW_KEY", Map.of("MW_KEY", k1), random), fast)) {
      for (int i = 0; i < 5; i++) {
        ids.add(commit(s, i));
      }
    }
    try (SpoolStorage s = RocksChronicleSpool.open(config, Clock.systemUTC(),
        MasterKey.fromEnvironment("MW_KEY", Map.of("MW_KEY", k1 + ";" + k2), random), fast)) {
      await(() -> s.keyRotation().rewrapped() == 5);
      Thread.sleep(300);
      assertThat(s.keyRotation().passes()).as("no pass once the old key is unused").isEqualTo(1);
      assertThat(s.keyRotation().destroyed()).isZero();
      assertThat(s.keyRotation().failures()).isZero();
      assertThat(s.dataKeysByMasterKey()).containsOnlyKeys("0000bbbb");
      assertThat(SpoolFixtures.readAll(s.spool().body(ids.get(4)).orElseThrow())).isEqualTo(SpoolFixtures.body(4, 5004));
    }
  }

  @Test
  void anOtherHolderOfWrappedBlobs_keepsTheOldKeyUntilItIsWiredAndHasRewrapped() throws Exception {
    SpoolConfig config = SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0);
    WrappedKeyHolders holders = WrappedKeyHolders.pending();
    var fast = new DataKeyRewrapper.Settings(Duration.ZERO, Duration.ofMillis(20), Duration.ZERO, 8).withHolders(holders);
    MasterKey ring = MasterKey.loadOrCreate(config.masterKeyFile(), random);
    // a blob outside the spool (the control-plane log's sealed records), wrapped under the first key
    byte[][] held = {ring.wrap(DataKey.generate(random).key())};
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    try (SpoolStorage s = RocksChronicleSpool.open(config, Clock.systemUTC(), ring, fast)) {
      commit(s, 1);
      String oldKey = ring.activeKeyId();
      ring.rotate();
      await(() -> s.keyRotation().rewrapped() == 1 && s.keyRotation().passes() >= 3);
      assertThat(ring.keyIds()).as("nothing is destroyed before every holder is wired").contains(oldKey);

      holders.add(r -> {
        asked.incrementAndGet();
        return java.util.Set.of(r.keyIdOf(held[0])); // a holder that has not re-wrapped yet
      }).complete();
      await(() -> asked.get() >= 3 || s.keyRotation().failures() > 0);
      assertThat(s.keyRotation().failures()).as("failed passes").isZero();
      assertThat(ring.keyIds()).as("a key a holder still names is kept").contains(oldKey);
      assertThat(s.keyRotation().destroyed()).isZero();

      held[0] = ring.wrap(ring.unwrap(held[0])); // the holder re-wraps under the active key
      await(() -> s.keyRotation().destroyed() == 1);
      assertThat(ring.keyIds()).doesNotContain(oldKey);
      assertThat(ring.unwrap(held[0])).isNotNull();
    }
  }

  @Test
  void withOnlyTheActiveKey_noPassRuns() throws Exception {
    SpoolConfig config = SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0);
    var fast = new DataKeyRewrapper.Settings(Duration.ZERO, Duration.ofMillis(10), Duration.ZERO, 8);
    try (SpoolStorage s = open(config, fast)) {
      commit(s, 1);
      Thread.sleep(100);
      assertThat(s.keyRotation().passes()).isZero();
      assertThat(s.keyRotation().rewrapped()).isZero();
    }
  }

  private MessageId commit(SpoolStorage s, int i) throws Exception {
    MessageId id = MessageId.generate(System.currentTimeMillis(), random);
    MessageWriter w = s.spool().begin(id);
    SpoolFixtures.writeChunks(w, SpoolFixtures.body(i, 5000 + i), new Random(i));
    w.commit(SpoolFixtures.envelope(id, 2), List.of()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return id;
  }

  private SpoolStorage open(SpoolConfig config, DataKeyRewrapper.Settings settings) {
    return RocksChronicleSpool.open(config, Clock.systemUTC(), MasterKey.loadOrCreate(config.masterKeyFile(), random), settings);
  }

  private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(done.getAsBoolean()).as("condition reached within 30 s").isTrue();
  }
}
