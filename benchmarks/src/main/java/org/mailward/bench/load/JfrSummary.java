package org.mailward.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the relay spent its CPU, from a JFR recording's execution samples:
 * the hottest methods (top frame) and a share per area (TLS, crypto, Argon2,
 * RocksDB, Chronicle, policy, SMTP, Netty I/O, GC-free JDK), by the first
 * frame of the stack that belongs to a known area. A summary for the
 * performance page, not a replacement for opening the file in JMC.
 */
final class JfrSummary {
  private static final Map<String, String> AREAS = new LinkedHashMap<>();

  static {
    AREAS.put("org.bouncycastle.crypto.generators.Argon2", "Argon2 (AUTH)");
    AREAS.put("org.mailward.core.auth", "Argon2 (AUTH)");
    AREAS.put("io.netty.internal.tcnative", "TLS (BoringSSL)");
    AREAS.put("io.netty.handler.ssl", "TLS (BoringSSL)");
    AREAS.put("sun.security.ssl", "TLS (JDK)");
    AREAS.put("com.sun.crypto.provider", "JDK crypto (AES-GCM, HMAC)");
    AREAS.put("sun.security", "JDK crypto (AES-GCM, HMAC)");
    AREAS.put("org.rocksdb", "RocksDB");
    AREAS.put("net.openhft", "Chronicle Queue");
    AREAS.put("org.mailward.queue", "spool (queue module)");
    AREAS.put("org.mailward.policy", "policy");
    AREAS.put("org.apache.james.mime4j", "policy");
    AREAS.put("org.ahocorasick", "policy");
    AREAS.put("org.mailward.delivery", "delivery");
    AREAS.put("org.mailward.core", "SMTP inbound");
    AREAS.put("io.netty", "Netty I/O");
  }

  private static final java.util.Set<String> WAIT_EVENTS = java.util.Set.of("jdk.ThreadPark", "jdk.JavaMonitorEnter",
      "jdk.JavaMonitorWait", "jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite", "jdk.FileForce");

  private JfrSummary() {}

  static String summarize(Path jfr) throws IOException {
    Map<String, Integer> top = new TreeMap<>();
    Map<String, Integer> areas = new TreeMap<>();
    Map<String, Integer> ours = new TreeMap<>();
    Map<String, Long> waits = new TreeMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      if (WAIT_EVENTS.contains(type) && e.getStackTrace() != null) {
        String who = firstMailwardFrame(e.getStackTrace().getFrames());
        if (!who.startsWith("(")) {
          waits.merge(type.substring(4) + " in " + who, e.getDuration().toMillis(), Long::sum);
        }
        continue;
      }
      if (!type.equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = st.getFrames();
      RecordedFrame f0 = frames.get(0);
      top.merge(f0.getMethod().getType().getName() + "." + f0.getMethod().getName(), 1, Integer::sum);
      areas.merge(area(frames), 1, Integer::sum);
      ours.merge(firstMailwardFrame(frames), 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("execution samples: ").append(samples).append("\n\nshare by area (first known frame from the top):\n");
    append(sb, areas, samples, 20);
    sb.append("\nhottest methods (top frame):\n");
    append(sb, top, samples, 20);
    sb.append("\nby first Mailward frame on the stack (who called into the hot code):\n");
    append(sb, ours, samples, 15);
    sb.append("\nwhere Mailward threads waited (JFR park/monitor/socket/file events over their thresholds; ms summed"
        + " over threads):\n");
    waits.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
        .forEach(e -> sb.append(String.format("  %8d ms  %s%n", e.getValue(), e.getKey())));
    return sb.toString();
  }

  private static String firstMailwardFrame(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      if (type.startsWith("org.mailward.")) {
        return type.substring("org.mailward.".length()) + "." + f.getMethod().getName();
      }
    }
    return "(no Mailward frame: JDK/Netty/library threads)";
  }

  private static String area(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      for (Map.Entry<String, String> a : AREAS.entrySet()) {
        if (type.startsWith(a.getKey())) {
          return a.getValue();
        }
      }
    }
    String t = frames.get(0).getMethod().getType().getName();
    return "other: " + t.substring(0, Math.max(t.lastIndexOf('.'), 0));
  }

  private static void append(StringBuilder sb, Map<String, Integer> counts, int total, int limit) {
    for (Map.Entry<String, Integer> e : counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit).collect(Collectors.toList())) {
      sb.append(String.format("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
  }

  public static void main(String[] args) throws IOException {
    System.out.print(summarize(Path.of(args[0])));
  }
}
