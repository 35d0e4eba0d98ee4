package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.MessageId;
import org.mailward.queue.crypto.MasterKey;

/**
 * Master-key rotation under load, killed with {@code kill -9} in the middle of the
 * background re-wrap: a child JVM fills the spool, the keyring is rotated (as
 * {@code bin/mailward keys rotate-master} does), then child JVMs that keep committing
 * from 8 threads while they re-wrap (4 data keys per synced batch) are killed once a
 * random number of keys has been re-wrapped. After every kill each acknowledged
 * message is still there once and intact, whichever master key wraps its data key.
 * A last child runs the re-wrap to its end: no data key refers to the old master key
 * any more and it is gone from the key file.
 */
class MasterKeyRotationIT {
  @TempDir Path work;

  @Test
  void rotationUnderLoad_killedDuringRewrap_leavesEveryMessageReadable_andDestroysTheOldKeyWhenUnused() throws Exception {
    Path spool = work.resolve("spool");
    Path keyFile = spool.resolve("master.key");
    Random random = new Random();
    Set<MessageId> acked = new LinkedHashSet<>();

    Path fill = work.resolve("fill.log");
    Process filler = start(spool, fill);
    try {
      awaitLine(fill, "ACK", 300, filler);
    } finally {
      kill(filler);
    }
    acked.addAll(SpoolCrashCheck.acks(fill));
    int filled = acked.size();
    Map<String, Long> filledCensus = SpoolCrashCheck.verify(spool, acked);
    String oldKey = filledCensus.keySet().iterator().next();
    long oldRemaining = filledCensus.get(oldKey);
    String newKey = MasterKey.loadOrCreate(keyFile, new SecureRandom()).rotate();

    int killedMidway = 0;
    for (int round = 1; round <= 3 && oldRemaining > 1; round++) {
      Path out = work.resolve("rotate-" + round + ".log");
      Process child = start(spool, out, "4", String.valueOf(TimeUnit.DAYS.toMillis(1))); // never destroys here
      // kill before the re-wrap is through: a target it can never reach would let the child commit
      // for the whole wait (120,000 messages at full speed), and the rest of the test crawl
      long target = 1 + random.nextInt((int) Math.min(150, oldRemaining - 1));
      try {
        awaitLine(out, "ACK", 10, child); // committing ...
        awaitLine(out, "REWRAPPED", target, child); // ... while re-wrapping
      } finally {
        kill(child);
      }
      acked.addAll(SpoolCrashCheck.acks(out));
      Map<String, Long> census = SpoolCrashCheck.verify(spool, acked);
      System.out.printf("rotation round %d: killed after %d re-wrapped; data keys by master key %s; %d acknowledged%n",
          round, SpoolCrashCheck.lastCount(out, "REWRAPPED"), census, acked.size());
      assertThat(census.keySet()).as("master keys in use").isSubsetOf(oldKey, newKey);
      oldRemaining = census.getOrDefault(oldKey, 0L);
      if (census.getOrDefault(oldKey, 0L) > 0 && SpoolCrashCheck.lastCount(out, "REWRAPPED") > 0) {
        killedMidway++;
      }
    }
    assertThat(killedMidway).as("rounds killed with the re-wrap part done").isGreaterThanOrEqualTo(1);

    Path last = work.resolve("rotate-last.log");
    Process finisher = start(spool, last, "64", "0");
    try {
      // re-wrapping every data key (thousands, 64 per synced batch) took over 90 s at load 20: wait up to 6 min
      awaitLine(last, "DESTROYED", 1, finisher, 360);
      awaitLine(last, "ACK", 30, finisher);
    } finally {
      kill(finisher);
    }
    assertThat(SpoolCrashCheck.lastCount(last, "DESTROYED"))
        .as("old master key destroyed (the finisher re-wrapped %d data keys)", SpoolCrashCheck.lastCount(last, "REWRAPPED"))
        .isEqualTo(1);
    acked.addAll(SpoolCrashCheck.acks(last));
    assertThat(acked.size()).as("acknowledged during the rotation rounds").isGreaterThan(filled + 30);
    Map<String, Long> census = SpoolCrashCheck.verify(spool, acked);
    assertThat(census).containsOnlyKeys(newKey);
    assertThat(Files.readString(keyFile)).doesNotContain(" " + oldKey + " ").contains(" " + newKey + " ");
    System.out.printf("after the rotation: %d acknowledged messages readable, all %d data keys under %s, %s destroyed%n",
        acked.size(), census.get(newKey), newKey, oldKey);
  }

  private Process start(Path spool, Path out, String... rotation) throws Exception {
    String[] args = new String[4 + rotation.length];
    args[0] = spool.toString();
    args[1] = "8";
    args[2] = out.toString();
    args[3] = "FSYNC";
    System.arraycopy(rotation, 0, args, 4, rotation.length);
    return new ProcessBuilder(SpoolCrashCheck.childCommand(args)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("child.log").toFile())).start();
  }

  private static void awaitLine(Path out, String prefix, long atLeast, Process child) throws Exception {
    awaitLine(out, prefix, atLeast, child, 90);
  }

  private static void awaitLine(Path out, String prefix, long atLeast, Process child, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (count(out, prefix) < atLeast && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static long count(Path out, String prefix) throws Exception {
    return prefix.equals("ACK") ? SpoolCrashCheck.acks(out).size() : SpoolCrashCheck.lastCount(out, prefix);
  }

  private static void kill(Process child) throws InterruptedException {
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
  }
}
