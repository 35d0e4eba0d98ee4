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
    return RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(4096, 256L << 20, 0), clock);
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
}
