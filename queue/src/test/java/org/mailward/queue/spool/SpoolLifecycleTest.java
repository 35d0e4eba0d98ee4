package org.mailward.queue.spool;

import org.mailward.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailward.queue.spool.SpoolFixtures.body;
import static org.mailward.queue.spool.SpoolFixtures.envelope;
import static org.mailward.queue.spool.SpoolFixtures.readAll;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.api.SpoolHealth;
import org.mailward.queue.SpoolConfig;

class SpoolLifecycleTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();

  private SpoolConfig config(SpoolConfig.Roll roll, long minFree) {
    SpoolConfig d = SpoolConfig.defaults(dir).withRoll(roll).withLimits(4096, 256L << 20, minFree);
    return new SpoolConfig(d.dataDirectory(), d.masterKeyFile(), d.roll(), d.maxPendingCommits(), d.maxPendingBytes(),
        d.minFreeBytes(), d.frameBytes(), d.durability(), Duration.ofMillis(20));
  }

  private MessageId commit(Spool spool, java.time.Clock clock, long seed) throws Exception {
    MessageId id = MessageId.generate(clock.millis(), random);
    MessageWriter w = spool.begin(id);
    w.write(ByteBuffer.wrap(body(seed, 5000)));
    w.commit(envelope(id, 1), List.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return id;
  }

  private Set<String> cycleFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("body"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).collect(Collectors.toSet());
    }
  }

  @Test
  void journalCycle_isDeleted_onceEveryMessageInItIsFinished_andNotBefore() throws Exception {
    var clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));
    try (SpoolStorage s = RocksChronicleSpool.open(config(SpoolConfig.Roll.SECONDLY_FOR_TESTS, 0), clock)) {
      Spool spool = s.spool();
      MessageId old = commit(spool, clock, 1);
      Set<String> first = cycleFiles();
      assertThat(first).hasSize(1);
      clock.advance(Duration.ofSeconds(5));
      MessageId young = commit(spool, clock, 2);
      assertThat(cycleFiles()).hasSize(2);

      Thread.sleep(100); // housekeeping runs, but the old cycle still has a live message
      assertThat(cycleFiles()).containsAll(first);

      var due = spool.claimDue(clock.instant(), 10).stream().filter(d -> d.ref().messageId().equals(old)).toList();
      spool.settle(List.of(new Spool.Settlement(due.get(0).ref(),
          new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "ok"), null)))).toCompletableFuture().get();
      SpoolFixtures.await(() -> {
        try {
          return !cycleFiles().containsAll(first);
        } catch (Exception e) {
          return false;
        }
      }, "old cycle reclaimed");
      assertThat(readAll(spool.body(young).get())).isEqualTo(body(2, 5000));
    }
  }

  @Test
  void lowDisk_refusesMailWith452_andRecoversWhenSpaceReturns() throws Exception {
    AtomicLong free = new AtomicLong(1L << 30);
    var clock = java.time.Clock.systemUTC();
    try (SpoolStorage s = RocksChronicleSpool.open(config(SpoolConfig.Roll.HOURLY, 64L << 20), clock, free::get)) {
      Spool spool = s.spool();
      MessageId before = commit(spool, clock, 1);
      MessageWriter inFlight = spool.begin(MessageId.generate(clock.millis(), random));
      inFlight.write(ByteBuffer.wrap(body(2, 100)));

      free.set(1L << 20);
      SpoolFixtures.await(() -> spool.health().state() == SpoolHealth.State.FULL, "FULL");
      assertThat(spool.health().accepting()).isFalse();
      assertThat(spool.health().freeBytes()).isEqualTo(1L << 20);
      assertThatThrownBy(() -> spool.begin(MessageId.generate(clock.millis(), random)))
          .isInstanceOfSatisfying(SpoolException.Unavailable.class, e -> assertThat(e.reply().code()).isEqualTo(452));
      assertThatThrownBy(() -> inFlight.commit(envelope(MessageId.generate(1, random), 1), List.of()))
          .isInstanceOf(IllegalArgumentException.class);

      free.set(1L << 30);
      SpoolFixtures.await(() -> spool.health().state() == SpoolHealth.State.OK, "OK again");
      MessageId after = commit(spool, clock, 3);
      assertThat(spool.envelope(before)).isPresent();
      assertThat(spool.envelope(after)).isPresent();
    }
  }

  @Test
  void commitWhileFull_failsWithUnavailable_andLeavesNoMessage() throws Exception {
    AtomicLong free = new AtomicLong(1L << 30);
    var clock = java.time.Clock.systemUTC();
    MessageId id = MessageId.generate(clock.millis(), random);
    try (SpoolStorage s = RocksChronicleSpool.open(config(SpoolConfig.Roll.HOURLY, 64L << 20), clock, free::get)) {
      MessageWriter w = s.spool().begin(id);
      w.write(ByteBuffer.wrap(body(4, 100)));
      free.set(0);
      SpoolFixtures.await(() -> s.spool().health().state() == SpoolHealth.State.FULL, "FULL");
      assertThat(w.commit(envelope(id, 1), List.of()).toCompletableFuture())
          .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(SpoolException.Unavailable.class);
    }
    try (SpoolStorage s = RocksChronicleSpool.open(config(SpoolConfig.Roll.HOURLY, 0), clock)) {
      assertThat(s.spool().envelope(id)).isEmpty();
    }
  }

  @Test
  void chronicle_writesNothingToTheAnalyticsFilesInTheHomeDirectory() throws Exception {
    File home = new File(System.getProperty("user.home"));
    Set<String> before = chronicleFiles(home);
    var clock = java.time.Clock.systemUTC();
    try (SpoolStorage s = RocksChronicleSpool.open(config(SpoolConfig.Roll.HOURLY, 0), clock)) {
      commit(s.spool(), clock, 5);
    }
    assertThat(System.getProperty("chronicle.analytics.disable")).isEqualTo("true");
    assertThat(chronicleFiles(home)).isEqualTo(before).noneMatch(n -> n.contains("analytics"));
    assertThatThrownBy(() -> Class.forName("net.openhft.chronicle.analytics.Analytics"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  private static Set<String> chronicleFiles(File home) {
    String[] names = home.list((d, n) -> n.toLowerCase().contains("chronicle"));
    return names == null ? Set.of() : Set.of(names);
  }

  @Test
  void closedSpool_refusesNewMail() {
    var clock = java.time.Clock.systemUTC();
    SpoolStorage s = RocksChronicleSpool.open(config(SpoolConfig.Roll.HOURLY, 0), clock);
    Spool spool = s.spool();
    s.close();
    assertThat(spool.health().state()).isEqualTo(SpoolHealth.State.FAILED);
    assertThatThrownBy(() -> spool.begin(MessageId.generate(clock.millis(), random)))
        .isInstanceOf(SpoolException.Unavailable.class);
    assertThat(Optional.of(spool.stats().messages())).contains(0L);
  }
}
