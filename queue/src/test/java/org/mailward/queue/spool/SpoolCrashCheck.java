package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailward.api.MessageId;
import org.mailward.api.Spool;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.crypto.MasterKey;

/**
 * What the crash tests share: the command line of a {@link SpoolCrashChild} and the
 * check after a crash (every acknowledged message is in the reopened spool exactly
 * once, with its envelope, an intact body and all its recipients due). The check opens
 * the spool with master-key re-wrapping dormant, so it changes no key.
 */
final class SpoolCrashCheck {
  private SpoolCrashCheck() {}

  /** The crash tests' spool configuration; {@code -Dmailward.crash.roll} picks the body journal's roll cycle. */
  static SpoolConfig config(Path dir) {
    return SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0)
        .withRoll(SpoolConfig.Roll.valueOf(System.getProperty("mailward.crash.roll", SpoolConfig.Roll.HOURLY.name())));
  }

  /**
   * Reopens the spool in {@code dir} and asserts every id in {@code acked} survived, once and intact.
   * Returns how many stored data keys each master key wraps.
   */
  static Map<String, Long> verify(Path dir, Collection<MessageId> acked) {
    SpoolConfig config = config(dir);
    try (SpoolStorage s = RocksChronicleSpool.open(config, Clock.systemUTC(),
        MasterKey.loadOrCreate(config.masterKeyFile(), new SecureRandom()), DataKeyRewrapper.Settings.dormant())) {
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
      return s.dataKeysByMasterKey();
    }
  }

  /** The ids of the complete {@code ACK} lines in a child's output file (a line cut short by the kill never counted). */
  static Set<MessageId> acks(Path file) throws IOException {
    Set<MessageId> ids = new LinkedHashSet<>();
    for (String line : completeLines(file)) {
      if (line.startsWith("ACK ")) {
        ids.add(MessageId.parse(line.substring(4).trim()));
      }
    }
    return ids;
  }

  /** The largest {@code n} of the complete {@code <prefix> n} lines in a child's output file (0 if none). */
  static long lastCount(Path file, String prefix) throws IOException {
    long max = 0;
    for (String line : completeLines(file)) {
      if (line.startsWith(prefix + " ")) {
        max = Math.max(max, Long.parseLong(line.substring(prefix.length() + 1).trim()));
      }
    }
    return max;
  }

  private static List<String> completeLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String[] lines = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).split("\n", -1);
    return Arrays.asList(lines).subList(0, lines.length - 1); // the last element follows the last newline
  }

  /** {@code java <flags> -cp <ours> SpoolCrashChild <args>}. */
  static List<String> childCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags());
    cmd.add("-Dmailward.crash.roll=" + System.getProperty("mailward.crash.roll", SpoolConfig.Roll.HOURLY.name()));
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
