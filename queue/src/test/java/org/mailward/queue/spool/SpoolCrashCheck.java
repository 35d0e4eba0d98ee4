package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailward.api.MessageId;
import org.mailward.api.Spool;
import org.mailward.queue.SpoolConfig;

/**
 * What the crash tests share: the command line of a {@link SpoolCrashChild} and the
 * check after a crash (every acknowledged message is in the reopened spool exactly
 * once, with its envelope, an intact body and all its recipients due).
 */
final class SpoolCrashCheck {
  private SpoolCrashCheck() {}

  /** Reopens the spool in {@code dir} and asserts every id in {@code acked} survived, once and intact. */
  static void verify(Path dir, Collection<MessageId> acked) {
    try (SpoolStorage s = RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0), Clock.systemUTC())) {
      Spool spool = s.spool();
      Map<MessageId, List<Integer>> due = new HashMap<>();
      for (Spool.DueRecipient d : spool.claimDue(Instant.now().plusSeconds(60), Integer.MAX_VALUE)) {
        due.computeIfAbsent(d.ref().messageId(), k -> new ArrayList<>()).add(d.ref().index());
      }
      assertThat(spool.stats().messages()).as("messages in the reopened spool (acknowledged: %d)", acked.size())
          .isEqualTo(due.size()).isGreaterThanOrEqualTo(acked.size());
      for (MessageId id : acked) {
        int n = SpoolCrashChild.recipients(id);
        assertThat(spool.envelope(id)).as("envelope of %s", id).contains(SpoolFixtures.envelope(id, n));
        byte[] body = SpoolFixtures.readAll(spool.body(id).orElseThrow());
        assertThat(Arrays.equals(body, SpoolCrashChild.body(id))).as("body of %s", id).isTrue();
        assertThat(due.get(id)).as("due recipients of %s", id).containsExactlyInAnyOrderElementsOf(range(n));
      }
    }
  }

  /** {@code java <flags> -cp <ours> SpoolCrashChild <args>}. */
  static List<String> childCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SpoolCrashChild.class.getName());
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  private static List<String> jvmFlags() {
    String flags = System.getProperty("mailward.jvm.flags");
    if (flags != null && !flags.isBlank()) {
      return Arrays.asList(flags.trim().split("\\s+"));
    }
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--enable-native")
            || a.startsWith("--sun-misc")).toList();
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }
}
