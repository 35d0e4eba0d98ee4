package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * kill -9 at random moments while settlements stream in: a recipient whose settlement's stage completed is
 * never due again after the restart (the delivery is not repeated), and the recipient left unsettled is.
 */
class SpoolSettleCrashIT {
  @TempDir Path dir;

  @Test
  void aSettledRecipient_isNotDueAgain_afterKillMinus9() throws Exception {
    Random random = new Random();
    Map<MessageId, Set<Integer>> settled = new ConcurrentHashMap<>();
    for (int round = 1; round <= 3; round++) {
      int before = settled.size();
      Process child = ChildJvm.start(dir, SpoolSettleCrashChild.class, dir.toString());
      try {
        Thread reader = ChildJvm.readLines(child, line -> {
          if (line.startsWith("SETTLED ")) {
            String[] parts = line.substring(8).trim().split(" ");
            Set<Integer> indexes = settled.computeIfAbsent(MessageId.parse(parts[0]), k -> ConcurrentHashMap.newKeySet());
            for (int i = 1; i < parts.length; i++) {
              indexes.add(Integer.parseInt(parts[i]));
            }
          }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        int target = before + 20 + random.nextInt(200);
        while (settled.size() < target && child.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(200));
        child.destroyForcibly(); // SIGKILL, settlements still in flight
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
      } finally {
        child.destroyForcibly();
        child.waitFor(20, TimeUnit.SECONDS);
        child.getInputStream().close();
        child.getOutputStream().close();
      }
      assertThat(settled.size()).as("settled in round %d", round).isGreaterThan(before);
      verify(settled);
      System.out.printf("settle kill -9 round %d: %d settlements acknowledged, none due again%n", round, settled.size());
    }
  }

  private void verify(Map<MessageId, Set<Integer>> settled) {
    try (SpoolStorage s = RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0), Clock.systemUTC())) {
      Map<MessageId, List<Integer>> due = new HashMap<>();
      for (Spool.DueRecipient d : s.spool().claimDue(Instant.now().plusSeconds(60), Integer.MAX_VALUE)) {
        due.computeIfAbsent(d.ref().messageId(), k -> new ArrayList<>()).add(d.ref().index());
      }
      settled.forEach((id, indexes) -> {
        assertThat(due.get(id)).as("recipients of %s due after the restart", id).contains(2).doesNotContainAnyElementsOf(indexes);
      });
    }
  }
}
