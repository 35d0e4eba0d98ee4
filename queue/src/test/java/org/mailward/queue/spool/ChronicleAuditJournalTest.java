package org.mailward.queue.spool;

import org.mailward.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;
import org.mailward.api.TenantId;
import org.mailward.queue.SpoolConfig;

class ChronicleAuditJournalTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));
  private final MessageId m1 = MessageId.generate(1_700_000_000_000L, new SecureRandom());
  private final MessageId m2 = MessageId.generate(1_700_000_000_001L, new SecureRandom());

  private SpoolStorage open() {
    return RocksChronicleSpool.open(config(), clock);
  }

  private static AuditEvent event(Instant at, String type, MessageId id, String fact) {
    return new AuditEvent(at, type, Optional.ofNullable(id), Optional.of(new TenantId("acme")), Map.of("rule", fact));
  }

  private void appendSample(SpoolStorage s) {
    Instant t0 = clock.instant();
    s.audit().append(event(t0, "message.accepted", m1, "tamper-me-1"));
    s.audit().append(event(t0.plusSeconds(10), "recipient.refused", m2, "consent.missing"));
    s.audit().append(event(t0.plusSeconds(20), "delivery.attempt", m1, "tls1.3"));
    SpoolFixtures.await(() -> s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 10).size() == 3, "3 records");
  }

  @Test
  void aDurableAppend_completesOnlyOnceItsRecordIsSynced_andTheRecordIsThereOnReopening() throws Exception {
    var event = new org.mailward.api.AuditEvent(clock.instant(), "message.accepted", Optional.empty(), Optional.empty(),
        Map.of("n", "1"));
    try (SpoolStorage s = open()) {
      assertThat(s.audit().appendDurably(event).get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    try (SpoolStorage s = open()) {
      assertThat(s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 10))
          .anySatisfy(r -> assertThat(r.event().type()).isEqualTo("message.accepted"));
    }
  }

  @Test
  void records_areChained_andQueryableByTimeAndByMessage() {
    try (SpoolStorage s = open()) {
      appendSample(s);
      List<AuditRecord> all = s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 10);
      assertThat(all).extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L);
      assertThat(all.get(1).previousHash()).isEqualTo(all.get(0).hash());
      assertThat(all.get(0).previousHash()).containsOnly(0);
      assertThat(all.get(0).event()).isEqualTo(event(clock.instant(), "message.accepted", m1, "tamper-me-1"));

      assertThat(s.audit().query(Instant.EPOCH, Instant.MAX, Optional.of(m1), 10))
          .extracting(r -> r.event().type()).containsExactly("message.accepted", "delivery.attempt");
      assertThat(s.audit().query(clock.instant().plusSeconds(5), clock.instant().plusSeconds(20), Optional.empty(), 10))
          .extracting(r -> r.event().type()).containsExactly("recipient.refused");
      assertThat(s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 2)).hasSize(2);
      assertThat(s.audit().verifyChain()).isEmpty();
    }
  }

  @Test
  void chain_continuesAcrossRestart() {
    try (SpoolStorage s = open()) {
      appendSample(s);
    }
    try (SpoolStorage s = open()) {
      s.audit().append(event(clock.instant().plusSeconds(30), "message.finished", m1, "x"));
      SpoolFixtures.await(() -> s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 10).size() == 4, "4 records");
      assertThat(s.audit().query(Instant.EPOCH, Instant.MAX, Optional.of(m1), 10))
          .extracting(AuditRecord::sequence).containsExactly(1L, 3L, 4L);
      assertThat(s.audit().verifyChain()).isEmpty();
    }
  }

  @Test
  void alteredRecord_isFoundByVerifyChain() throws Exception {
    try (SpoolStorage s = open()) {
      appendSample(s);
    }
    byte[] needle = "tamper-me-1".getBytes(StandardCharsets.US_ASCII);
    boolean altered = false;
    try (Stream<Path> files = Files.list(dir.resolve("audit"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
        byte[] data = Files.readAllBytes(f);
        int at = RocksChronicleSpoolTest.indexOf(data, needle);
        if (at >= 0) {
          data[at] = 'T';
          Files.write(f, data);
          altered = true;
        }
      }
    }
    assertThat(altered).isTrue();
    try (SpoolStorage s = open()) {
      assertThat(s.audit().verifyChain()).contains(1L);
    }
  }

  @Test
  void rewrittenTail_chainedLikeAPlainHashChain_isFoundByVerifyChain() throws Exception {
    try (SpoolStorage s = open()) {
      appendSample(s);
    }
    List<ChronicleAuditJournal.Stored> kept = stored(dir.resolve("audit")).subList(0, 1);
    // Without the key, the best a forger can do is the old design: SHA-256 over (previous || canonical).
    Path forged = forge(kept, 2, (prev, canonical) -> sha256(prev, canonical));
    replaceJournal(forged);
    try (SpoolStorage s = open()) {
      assertThat(s.audit().verifyChain()).contains(2L);
    }
    List<ChronicleAuditJournal.Stored> all = stored(dir.resolve("audit"));
    assertThat(all).hasSize(3);
    for (int i = 1; i < all.size(); i++) { // the forged tail is a consistent plain hash chain: only the key finds it
      assertThat(all.get(i).prev()).isEqualTo(all.get(i - 1).hash());
      assertThat(all.get(i).hash()).isEqualTo(sha256(all.get(i).prev(), all.get(i).canonical()));
    }
  }

  @Test
  void completeRewrite_underAnotherKey_isFoundFromTheFirstRecord_andAnAuditorsCheckpointMatchesOnlyTheOriginal() throws Exception {
    try (SpoolStorage s = open()) {
      appendSample(s);
    }
    AuditKey key = AuditKey.load(SpoolSetup.defaultAuditKey(config()));
    var original = ChronicleAuditJournal.verify(dir.resolve("audit"), key, Optional.of(2L));
    assertThat(original.brokenAt()).isEmpty();
    assertThat(original.records()).isEqualTo(3);
    assertThat(original.checkpoint()).isPresent();

    AuditKey forgersKey = AuditKey.loadOrCreate(dir.resolve("elsewhere/forger.key"), new SecureRandom());
    javax.crypto.Mac mac = forgersKey.newMac();
    replaceJournal(forge(List.of(), 1, (prev, canonical) -> AuditCodec.chain(mac, prev, canonical)));
    var rewritten = ChronicleAuditJournal.verify(dir.resolve("audit"), key, Optional.of(2L));
    assertThat(rewritten.brokenAt()).contains(1L);
    assertThat(rewritten.checkpoint()).isEmpty();
    assertThat(ChronicleAuditJournal.verify(dir.resolve("audit"), forgersKey, Optional.empty()).brokenAt()).isEmpty();
  }

  @Test
  void theAuditKey_livesBesideTheMasterKey_notInTheJournal_withMode0600() throws Exception {
    try (SpoolStorage s = open()) {
      appendSample(s);
    }
    Path key = SpoolSetup.defaultAuditKey(config());
    assertThat(key.getParent()).isNotEqualTo(dir.resolve("audit"));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    byte[] secret = java.util.Base64.getDecoder().decode(Files.readString(key).trim().split(" ")[1]);
    try (Stream<Path> files = Files.walk(dir.resolve("audit"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(RocksChronicleSpoolTest.indexOf(Files.readAllBytes(f), secret)).as(f.toString()).isEqualTo(-1);
      }
    }
  }

  private SpoolConfig config() {
    return SpoolConfig.defaults(dir).withLimits(4096, 256L << 20, 0);
  }

  private static List<ChronicleAuditJournal.Stored> stored(Path audit) {
    List<ChronicleAuditJournal.Stored> out = new java.util.ArrayList<>();
    try (var q = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(audit).readOnly(true).build();
        var tailer = q.createTailer()) {
      for (var r = ChronicleAuditJournal.readStored(tailer); r != null; r = ChronicleAuditJournal.readStored(tailer)) {
        out.add(r);
      }
    }
    return out;
  }

  /** A journal with {@code kept} as they are, then records from {@code firstSeq} to 3 with forged facts, linked by {@code link}. */
  private Path forge(List<ChronicleAuditJournal.Stored> kept, long firstSeq,
      java.util.function.BinaryOperator<byte[]> link) {
    Path forged = dir.resolve("audit-forged");
    try (ChronicleJournal j = new ChronicleJournal(forged, net.openhft.chronicle.queue.RollCycles.FAST_DAILY, clock, false)) {
      byte[] prev = new byte[AuditCodec.HASH_BYTES];
      for (var r : kept) {
        write(j, r.seq(), r.canonical(), r.prev(), r.hash());
        prev = r.hash();
      }
      for (long seq = firstSeq; seq <= 3; seq++) {
        byte[] canonical = AuditCodec.canonical(seq, event(clock.instant().plusSeconds(seq), "delivery.attempt", m1, "forged"));
        byte[] hash = link.apply(prev, canonical);
        write(j, seq, canonical, prev, hash);
        prev = hash;
      }
    }
    return forged;
  }

  private static void write(ChronicleJournal j, long seq, byte[] canonical, byte[] prev, byte[] hash) {
    j.append(b -> {
      b.writeLong(seq);
      b.writeInt(canonical.length);
      b.write(canonical);
      b.write(prev);
      b.write(hash);
    });
  }

  private void replaceJournal(Path forged) throws Exception {
    try (Stream<Path> old = Files.walk(dir.resolve("audit"))) {
      for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.move(forged, dir.resolve("audit"));
  }

  private static byte[] sha256(byte[] prev, byte[] canonical) {
    try {
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(prev);
      return sha.digest(canonical);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
