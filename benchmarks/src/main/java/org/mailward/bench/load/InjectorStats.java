package org.mailward.bench.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters of one injector run, written from every event loop without locks:
 * outcomes by reply class, a DATA-end → 2xx latency histogram (microseconds),
 * and accepted messages per second since the start.
 */
final class InjectorStats {
  private static final int MAX_SECONDS = 7200;

  final LongAdder started = new LongAdder();
  final LongAdder accepted = new LongAdder();
  final LongAdder tempFailed = new LongAdder();
  final LongAdder permFailed = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder recipientsRefused = new LongAdder();
  final LongAdder connections = new LongAdder();
  final LongAdder tlsSessions = new LongAdder();
  final LongAdder idleReady = new LongAdder();
  private final Recorder latency = new Recorder(3);
  private final AtomicLongArray perSecond = new AtomicLongArray(MAX_SECONDS);
  private final long startNanos;
  private volatile long lastCompletionNanos;

  InjectorStats(long startNanos) {
    this.startNanos = startNanos;
    this.lastCompletionNanos = startNanos;
  }

  void accepted(long dataEndNanos, long now) {
    accepted.increment();
    latency.recordValue(Math.max(0, (now - dataEndNanos) / 1000));
    perSecond.incrementAndGet((int) Math.min(MAX_SECONDS - 1, (now - startNanos) / 1_000_000_000L));
    lastCompletionNanos = now;
  }

  /** Counts a final reply that was not 2xx. */
  void refused(int code) {
    if (code >= 500) {
      permFailed.increment();
    } else {
      tempFailed.increment();
    }
    lastCompletionNanos = System.nanoTime();
  }

  /** The summary as a JSON-ready map. */
  Map<String, Object> summary(InjectorConfig config, String transport) {
    Histogram h = latency.getIntervalHistogram();
    double elapsed = Math.max(1e-3, (lastCompletionNanos - startNanos) / 1e9);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "injector");
    m.put("transport", transport);
    m.put("tlsProvider", LoadTls.provider().name());
    m.put("connections", config.connections());
    m.put("messageSize", config.messageSize());
    m.put("attachmentSize", config.attachmentSize());
    m.put("recipientsPerMessage", config.recipientsPerMessage());
    m.put("started", started.sum());
    m.put("accepted", accepted.sum());
    m.put("tempFailed", tempFailed.sum());
    m.put("permFailed", permFailed.sum());
    m.put("errors", errors.sum());
    m.put("recipientsRefused", recipientsRefused.sum());
    m.put("connectionsOpened", connections.sum());
    m.put("tlsSessions", tlsSessions.sum());
    m.put("idleReady", idleReady.sum());
    m.put("elapsedSeconds", round(elapsed));
    m.put("acceptedPerSecond", round(accepted.sum() / elapsed));
    m.put("p50Ms", round(h.getValueAtPercentile(50) / 1000.0));
    m.put("p90Ms", round(h.getValueAtPercentile(90) / 1000.0));
    m.put("p99Ms", round(h.getValueAtPercentile(99) / 1000.0));
    m.put("p999Ms", round(h.getValueAtPercentile(99.9) / 1000.0));
    m.put("maxMs", round(h.getMaxValue() / 1000.0));
    int seconds = (int) Math.min(MAX_SECONDS, Math.ceil(elapsed));
    long[] series = new long[seconds];
    for (int i = 0; i < seconds; i++) {
      series[i] = perSecond.get(i);
    }
    m.put("perSecond", series);
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    m.put("latencyHistogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n)));
    return m;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
