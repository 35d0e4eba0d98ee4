package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.MessageId;
import org.mailward.api.Spool;
import org.mailward.queue.SpoolConfig;

/**
 * kill -9 at random moments while many writers commit: every message whose commit
 * was acknowledged must be in the spool after restart, exactly once, with its
 * envelope and an intact body that decrypts.
 */
class SpoolCrashRecoveryIT {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedMessage_survivesKillMinus9_exactlyOnce_andIntact() throws Exception {
    Random random = new Random();
    Set<MessageId> acked = ConcurrentHashMap.newKeySet();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    int rounds = 0;
    while (rounds < 5 && (rounds < 2 || System.nanoTime() < deadline)) {
      rounds++;
      int before = acked.size();
      Process child = startChild();
      try {
        Thread reader = readAcks(child, acked);
        awaitAcks(acked, before + 1 + random.nextInt(200), child);
        Thread.sleep(random.nextInt(300));
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
      } finally {
        child.destroyForcibly(); // never leave a child running, whatever failed
        child.waitFor(20, TimeUnit.SECONDS);
        child.getInputStream().close();
        child.getOutputStream().close();
      }
      assertThat(acked.size()).as("acknowledged in round %d", rounds).isGreaterThan(before);
      verify(acked);
      System.out.printf("kill -9 round %d: %d acknowledged so far, all present and intact%n", rounds, acked.size());
    }
    assertThat(rounds).isGreaterThanOrEqualTo(2);
  }

  private void verify(Set<MessageId> acked) {
    try (SpoolStorage s = RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0), Clock.systemUTC())) {
      Spool spool = s.spool();
      Map<MessageId, List<Integer>> due = new HashMap<>();
      for (Spool.DueRecipient d : spool.claimDue(Instant.now().plusSeconds(60), Integer.MAX_VALUE)) {
        due.computeIfAbsent(d.ref().messageId(), k -> new ArrayList<>()).add(d.ref().index());
      }
      assertThat(spool.stats().messages()).isEqualTo(due.size()).isGreaterThanOrEqualTo(acked.size());
      for (MessageId id : acked) {
        int n = SpoolCrashChild.recipients(id);
        assertThat(spool.envelope(id)).as("envelope of %s", id).contains(SpoolFixtures.envelope(id, n));
        byte[] body = SpoolFixtures.readAll(spool.body(id).orElseThrow());
        assertThat(Arrays.equals(body, SpoolCrashChild.body(id))).as("body of %s", id).isTrue();
        assertThat(due.get(id)).as("due recipients of %s", id).containsExactlyInAnyOrderElementsOf(range(n));
      }
    }
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }

  private Process startChild() throws Exception {
    return ChildJvm.start(dir, SpoolCrashChild.class, dir.toString(), "8");
  }

  private static Thread readAcks(Process child, Set<MessageId> acked) {
    return ChildJvm.readLines(child, line -> {
      if (line.startsWith("ACK ")) {
        acked.add(MessageId.parse(line.substring(4).trim()));
      }
    });
  }

  private static void awaitAcks(Set<MessageId> acked, int target, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acked.size() < target && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
