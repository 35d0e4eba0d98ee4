package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.MessageId;

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
      SpoolCrashCheck.verify(dir, acked);
      System.out.printf("kill -9 round %d: %d acknowledged so far, all present and intact%n", rounds, acked.size());
    }
    assertThat(rounds).isGreaterThanOrEqualTo(2);
  }

  private Process startChild() throws Exception {
    return new ProcessBuilder(SpoolCrashCheck.childCommand(dir.toString(), "8"))
        .redirectError(new File(dir.toFile(), "child-stderr.log")).start();
  }

  private static Thread readAcks(Process child, Set<MessageId> acked) {
    Thread t = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.startsWith("ACK ")) {
            acked.add(MessageId.parse(line.substring(4).trim()));
          }
        }
      } catch (java.io.IOException | IllegalArgumentException e) {
        // the child was killed mid-line: that line was never a full acknowledgement
      }
    }, "ack-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitAcks(Set<MessageId> acked, int target, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acked.size() < target && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
