package org.mailward.admin.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ControlPlaneLog.Entry;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;
import org.mailward.queue.crypto.MasterKey;
import org.mailward.queue.rocks.RocksKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane log on a real RocksDB store and a real master key file: records that name a
 * person are stored sealed (no address, evidence or import row in the bytes), open on another
 * node holding the same master keyring, survive a master-key rotation, and entries written in
 * clear by an older release are sealed when the log opens.
 */
class SealedControlPlaneLogTest {
  private static final TenantId CLINIC = new TenantId("clinic");
  private static final EmailAddress PAT = EmailAddress.parse("pat.sealed@patients.example", false).orElseThrow();
  private static final Entry.Actor ACTOR = new Entry.Actor("token:t1");
  private final SecureRandom random = new SecureRandom();
  @TempDir Path dir;

  private ChangeCodec codec(MasterKey ring) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return new ChangeCodec(new RecordSeal(ring, random), new Redactor(k));
  }

  private MasterKey ring() {
    return MasterKey.loadOrCreate(dir.resolve("master.key"), random);
  }

  private static List<ChangeRecord> personal() {
    return List.of(
        new ChangeRecord.ConsentGranted(CLINIC, PAT, Set.of(Purpose.MARKETING), Instant.parse("2026-01-02T03:04:05Z"),
            Optional.of(Instant.parse("2027-01-01T00:00:00Z")), "signed form of Pat Sealed"),
        new ChangeRecord.ConsentRevoked(CLINIC, PAT),
        new ChangeRecord.SuppressionAdded(CLINIC, PAT, Set.of(Purpose.MARKETING), "manual"),
        new ChangeRecord.SuppressionRemoved(CLINIC, PAT, Set.of(Purpose.MARKETING)),
        new ChangeRecord.ConsentImport(CLINIC, "imp-1", "csv",
            "address,purposes\nrow.person@patients.example,marketing\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void recordsNamingAPerson_areStoredWithoutTheAddress_andReadBackWhole() {
    ChangeCodec codec = codec(ring());
    long v = 1;
    for (ChangeRecord c : personal()) {
      Entry e = new Entry(v++, Instant.parse("2026-05-05T05:05:05Z"), ACTOR, c);
      byte[] stored = codec.encode(e);
      String text = new String(stored, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain("patients.example").doesNotContain("pat.sealed").doesNotContain("Pat Sealed")
          .doesNotContain("row.person").contains("\"sealed\"");
      assertThat(codec.decode(stored)).isEqualTo(e);
      assertThat(ChangeCodec.inClear(stored)).isFalse();
    }
  }

  @Test
  void anotherNodeWithTheSameMasterKeyring_opensTheRecords_andAnotherKeyringCannot() throws Exception {
    byte[] stored = codec(ring()).encode(new Entry(1, Instant.now(), ACTOR, personal().get(0)));
    // another process: its own data key and redactor key, the master key file copied over
    Path other = Files.createDirectories(dir.resolve("node-b"));
    Files.copy(dir.resolve("master.key"), other.resolve("master.key"));
    ChangeCodec nodeB = codec(MasterKey.loadOrCreate(other.resolve("master.key"), random));
    assertThat(nodeB.decode(stored).change()).isEqualTo(personal().get(0));

    ChangeCodec stranger = codec(MasterKey.loadOrCreate(Files.createDirectories(dir.resolve("c")).resolve("master.key"), random));
    assertThatThrownBy(() -> stranger.decode(stored)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aSealedValueMovedIntoAnotherTenantsRecord_failsItsIntegrityCheck() {
    ChangeCodec codec = codec(ring());
    String stored = new String(codec.encode(new Entry(1, Instant.now(), ACTOR, personal().get(1))), StandardCharsets.UTF_8);
    byte[] moved = stored.replace("\"tenant\":\"clinic\"", "\"tenant\":\"other\"").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(moved)).hasMessageContaining("integrity");
  }

  @Test
  void entriesWrittenInClearByAnOlderRelease_areSealedWhenTheLogOpens() {
    String old = "{\"v\":1,\"version\":1,\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"token:t1\",\"type\":\"suppression.added\","
        + "\"change\":{\"tenant\":\"clinic\",\"address\":\"pat.sealed@patients.example\",\"reason\":\"manual\","
        + "\"purposes\":[\"marketing\"]}}";
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      kv.write(org.mailward.api.KeyValueStore.Batch.builder()
          .put(KeyValueControlPlaneLog.NAMESPACE, KeyValueControlPlaneLog.key(1), old.getBytes(StandardCharsets.UTF_8)).build());
      var log = new KeyValueControlPlaneLog(kv, Clock.systemUTC(), codec(ring()));
      byte[] now = kv.get(KeyValueControlPlaneLog.NAMESPACE, KeyValueControlPlaneLog.key(1)).orElseThrow();
      assertThat(new String(now, StandardCharsets.UTF_8)).doesNotContain("pat.sealed").contains("\"v\":2");
      List<ChangeRecord> seen = new ArrayList<>();
      log.subscribe(0, e -> seen.add(e.change()));
      assertThat(seen).containsExactly(personal().get(2));
    }
  }

  @Test
  void afterAMasterKeyRotation_theLogsDataKeysAreRewrapped_andTheOldKeyCanBeDestroyed() {
    MasterKey ring = ring();
    String oldKey = ring.activeKeyId();
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      var log = new KeyValueControlPlaneLog(kv, Clock.systemUTC(), codec(ring));
      for (ChangeRecord c : personal()) {
        log.append(ACTOR, c);
      }
      assertThat(log.rewrapSealedKeys()).containsExactly(oldKey);
      String fresh = ring.rotate();
      log.append(ACTOR, personal().get(1)); // sealed under the new master key already
      assertThat(log.rewrapSealedKeys()).containsExactly(fresh);
      ring.destroy(oldKey);

      List<ChangeRecord> seen = new ArrayList<>();
      new KeyValueControlPlaneLog(kv, Clock.systemUTC(), codec(ring())).subscribe(0, e -> seen.add(e.change()));
      assertThat(seen).hasSize(6).startsWith(personal().toArray(ChangeRecord[]::new));
    }
  }

  @Test
  void recordsWithoutAPerson_carryNoSealAndStayReadable() {
    ChangeCodec codec = codec(ring());
    Entry e = new Entry(1, Instant.now(), ACTOR, new ChangeRecord.CredentialRevoked(CLINIC, "cred-1"));
    byte[] stored = codec.encode(e);
    assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("sealed");
    assertThat(codec.decode(stored)).isEqualTo(e);
  }
}
