package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditHealth;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.SpoolHealth;
import org.mailward.api.TenantId;
import org.mailward.queue.SpoolConfig;
import org.mailward.testkit.ManualClock;
import org.mailward.testkit.SmallTmpfs;

/**
 * The real spool's audit directory is a small tmpfs mounted by the test (root only; skipped where
 * mounting is not permitted): once it is full, the audit records of a group cannot be written, so
 * the journal's {@code health()} turns {@code FAILING} with a reason and the lost events are
 * counted; once there is room again the journal's own {@code audit.resumed} probe is written and
 * health recovers, leaving the gap on record.
 */
class AuditDiskFullIT {
  @TempDir Path dir;
  SmallTmpfs tmpfs;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));

  @AfterEach
  void unmount() throws Exception {
    if (tmpfs != null) {
      tmpfs.close();
    }
  }

  private static AuditEvent event(Instant at, int i) {
    return new AuditEvent(at, "delivery.attempt", Optional.empty(), Optional.of(new TenantId("acme")),
        Map.of("n", Integer.toString(i)));
  }

  private static int resumedRecords(SpoolStorage s) {
    return (int) s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 100_000).stream()
        .filter(r -> r.event().type().equals("audit.resumed")).count();
  }

  /** The spool under dir/data with data/audit a 1 MiB tmpfs; skips the test where mounting is not permitted. */
  private SpoolStorage openWithAuditOnTmpfs() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    tmpfs = SmallTmpfs.mount(data.resolve("audit"), "1m").orElse(null);
    Assumptions.assumeTrue(tmpfs != null, "mounting a tmpfs needs root (.ci/run runs as root)");
    return RocksChronicleSpool.open(SpoolConfig.defaults(data).withLimits(4096, 256L << 20, 0), clock);
  }

  @Test
  void aFullAuditDisk_turnsHealthToFailing_countsTheLostEvents_andRecoversOnceThereIsRoom() throws Exception {
    try (SpoolStorage s = openWithAuditOnTmpfs()) {
      s.audit().append(event(clock.instant(), 0));
      SpoolFixtures.await(() -> s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 10).size() == 1,
          "the first record");
      assertThat(s.audit().health()).isEqualTo(AuditHealth.ok());

      Path filler = tmpfs.fill();
      // Appends never throw: the records go to the group commit, which finds it cannot write them
      // once the cycle file needs a page the file system does not have.
      int appended = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (s.audit().health().recording() && System.nanoTime() < deadline) {
        for (int i = 0; i < 50; i++) {
          s.audit().append(event(clock.instant(), ++appended));
        }
        Thread.sleep(10);
      }
      AuditHealth failing = s.audit().health();
      assertThat(failing.state()).as("after %d appends", appended).isEqualTo(AuditHealth.State.FAILING);
      assertThat(failing.reason()).isIn(AuditHealth.Reason.WRITE_FAILED, AuditHealth.Reason.SYNC_FAILED);
      assertThat(failing.since()).contains(clock.instant());
      assertThat(s.auditEventsLost()).isPositive();
      long lostWhileFull = s.auditEventsLost();

      // A record a reply waits for is answered "lost", not left hanging.
      assertThat(s.audit().appendDurably(event(clock.instant(), -2)).get(30, TimeUnit.SECONDS)).isFalse();

      // The same group commit carries the spool's commits: the spool reports FAILED and refuses a message.
      assertThat(s.spool().health().state()).isEqualTo(SpoolHealth.State.FAILED);

      // Still no room: the probe (one per second of the clock) is lost as well, and health stays failing.
      clock.advance(java.time.Duration.ofSeconds(2));
      assertThat(s.audit().health().recording()).isFalse();
      SpoolFixtures.await(() -> s.auditEventsLost() > lostWhileFull, "the lost probe to be counted");
      assertThat(s.audit().health().recording()).isFalse();

      Files.delete(filler);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!s.audit().health().recording() && System.nanoTime() < deadline) {
        clock.advance(java.time.Duration.ofSeconds(2));
        Thread.sleep(50);
      }
      assertThat(s.audit().health()).isEqualTo(AuditHealth.ok());
      List<AuditRecord> resumed = s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 100_000).stream()
          .filter(r -> r.event().type().equals("audit.resumed")).toList();
      assertThat(resumed).hasSize(1);
      assertThat(resumed.get(0).event().facts()).containsEntry("failing-since", failing.since().orElseThrow().toString());
      assertThat(Long.parseLong(resumed.get(0).event().facts().get("lost"))).isGreaterThanOrEqualTo(lostWhileFull);
      assertThat(s.audit().verifyChain()).isEmpty();

      // Afterwards records are written, and (after the spool's retry) mail is taken again.
      assertThat(s.audit().appendDurably(event(clock.instant(), -3)).get(30, TimeUnit.SECONDS)).isTrue();
      s.audit().append(event(clock.instant(), -1));
      SpoolFixtures.await(() -> s.audit().query(Instant.EPOCH, Instant.MAX, Optional.empty(), 100_000).stream()
          .anyMatch(r -> r.event().facts().get("n") != null && r.event().facts().get("n").equals("-1")), "a new record");
      SpoolFixtures.await(() -> s.spool().health().accepting(), "the spool accepting again");
      MessageId id = MessageId.generate(clock.millis(), new SecureRandom());
      MessageWriter w = s.spool().begin(id);
      w.write(ByteBuffer.wrap(SpoolFixtures.body(1, 1000)));
      w.commit(SpoolFixtures.envelope(id, 1), List.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(resumedRecords(s)).isEqualTo(1);
    }
  }

  /** The first record creates the cycle file, whose header and index Chronicle writes through its mapping. */
  @Test
  void anAuditDiskFullBeforeTheFirstRecord_refusesToStartTheCycleFile_insteadOfKillingTheWriter() throws Exception {
    try (SpoolStorage s = openWithAuditOnTmpfs()) {
      Path filler = tmpfs.fill();
      s.audit().append(event(clock.instant(), 1));
      SpoolFixtures.await(() -> !s.audit().health().recording(), "the audit journal to fail");
      assertThat(s.audit().health().reason()).isEqualTo(AuditHealth.Reason.WRITE_FAILED);
      assertThat(s.auditEventsLost()).as("the record, and probes offered by health() while failing").isPositive();

      Files.delete(filler);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!s.audit().health().recording() && System.nanoTime() < deadline) {
        clock.advance(java.time.Duration.ofSeconds(2));
        Thread.sleep(50);
      }
      assertThat(s.audit().health()).isEqualTo(AuditHealth.ok());
      assertThat(resumedRecords(s)).isEqualTo(1);
      assertThat(s.audit().verifyChain()).isEmpty();
    }
  }
}
