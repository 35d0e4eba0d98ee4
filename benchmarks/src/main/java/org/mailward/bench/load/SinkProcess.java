package org.mailward.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The counting sink as a child JVM of the bench: its port, and its cumulative
 * message count as reported by its tick lines, each stamped with the bench's
 * clock so delivered rates line up with the injector's.
 */
final class SinkProcess implements AutoCloseable {
  private final ChildProcess process;
  private final List<long[]> ticks = new ArrayList<>(); // {nanoTime, messages, recipients}
  private int port;

  private SinkProcess(ChildProcess process) {
    this.process = process;
  }

  static SinkProcess start(String classpath, Path log) throws IOException, InterruptedException {
    SinkProcess[] self = new SinkProcess[1];
    ChildProcess p = ChildProcess.start(ChildProcess.java(List.of("-Xmx512m", "-XX:+UseParallelGC"), classpath,
        SmtpSink.class.getName(), List.of("--port", "0", "--tick", "250ms")), Map.of(), log, n -> self[0].onJson(n));
    self[0] = new SinkProcess(p);
    JsonNode listening = p.awaitJson("listening", Duration.ofSeconds(60));
    self[0].port = listening.path("port").asInt();
    return self[0];
  }

  private void onJson(JsonNode n) {
    if ("tick".equals(n.path("type").asText())) {
      synchronized (ticks) {
        ticks.add(new long[] {System.nanoTime(), n.path("messages").asLong(), n.path("recipients").asLong()});
      }
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** The latest message count (at most one tick old). */
  long messages() {
    synchronized (ticks) {
      return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1)[1];
    }
  }

  /** The latest recipient count (at most one tick old). */
  long recipients() {
    synchronized (ticks) {
      return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1)[2];
    }
  }

  void refuse(boolean on) throws IOException {
    process.send(on ? "refuse" : "accept");
  }

  /**
   * Delivery rate since {@code startNanos}: messages counted between the first tick that showed new mail
   * and the last tick that did, over that span (so neither start-up nor the drain tail counts as idle time).
   */
  double rateSince(long startNanos, long base) {
    return rateSince(startNanos, base, 1);
  }

  /** Like {@link #rateSince(long, long)} for recipients instead of messages. */
  double recipientRateSince(long startNanos, long base) {
    return rateSince(startNanos, base, 2);
  }

  private double rateSince(long startNanos, long base, int column) {
    synchronized (ticks) {
      long[] first = null;
      long[] last = null;
      long[] prev = null;
      for (long[] t : ticks) {
        if (t[0] >= startNanos && t[column] > base) {
          if (first == null) {
            first = prev != null && prev[0] >= startNanos ? prev : new long[] {startNanos, base, base};
          }
          if (last == null || t[column] > last[column]) {
            last = t;
          }
        }
        prev = t;
      }
      if (first == null || last == null || last[0] <= first[0]) {
        return -1;
      }
      return (last[column] - first[column]) / ((last[0] - first[0]) / 1e9);
    }
  }

  /** Messages received in each whole second after {@code startNanos}, from {@code base}. */
  long[] perSecondSince(long startNanos, long base, int seconds) {
    long[] out = new long[seconds];
    long prev = base;
    synchronized (ticks) {
      for (int s = 0; s < seconds; s++) {
        long end = startNanos + (s + 1) * 1_000_000_000L;
        long at = prev;
        for (long[] t : ticks) {
          if (t[0] <= end) {
            at = Math.max(at, t[1]);
          }
        }
        out[s] = at - prev;
        prev = at;
      }
    }
    return out;
  }

  String output() {
    return process.output();
  }

  @Override
  public void close() throws InterruptedException {
    process.stop(Duration.ofSeconds(10));
  }
}
