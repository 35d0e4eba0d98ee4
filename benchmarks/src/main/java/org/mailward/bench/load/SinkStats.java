package org.mailward.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the sink, written from every event loop without locks; messages per second since start. */
final class SinkStats {
  private static final int MAX_SECONDS = 7200;

  final LongAdder messages = new LongAdder();
  final LongAdder recipients = new LongAdder();
  final LongAdder bytes = new LongAdder();
  final LongAdder connections = new LongAdder();
  final LongAdder tlsSessions = new LongAdder();
  final LongAdder refusedRecipients = new LongAdder();
  private final AtomicLongArray perSecond = new AtomicLongArray(MAX_SECONDS);
  private final long startNanos;
  private volatile long firstMessageNanos;
  private volatile long lastMessageNanos;

  SinkStats(long startNanos) {
    this.startNanos = startNanos;
  }

  void message(int rcpts, long size) {
    long now = System.nanoTime();
    messages.increment();
    recipients.add(rcpts);
    bytes.add(size);
    if (firstMessageNanos == 0) {
      firstMessageNanos = now;
    }
    lastMessageNanos = now;
    perSecond.incrementAndGet((int) Math.min(MAX_SECONDS - 1, (now - startNanos) / 1_000_000_000L));
  }

  Map<String, Object> snapshot(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    long now = System.nanoTime();
    m.put("type", type);
    m.put("seconds", InjectorStats.round((now - startNanos) / 1e9));
    m.put("messages", messages.sum());
    m.put("recipients", recipients.sum());
    m.put("bytes", bytes.sum());
    m.put("connections", connections.sum());
    m.put("tlsSessions", tlsSessions.sum());
    m.put("refusedRecipients", refusedRecipients.sum());
    m.put("firstMessageSeconds", firstMessageNanos == 0 ? 0 : InjectorStats.round((firstMessageNanos - startNanos) / 1e9));
    m.put("lastMessageSeconds", lastMessageNanos == 0 ? 0 : InjectorStats.round((lastMessageNanos - startNanos) / 1e9));
    return m;
  }

  /** Messages received in each second since start, up to now. */
  long[] perSecond() {
    int n = (int) Math.min(MAX_SECONDS, (System.nanoTime() - startNanos) / 1_000_000_000L + 1);
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = perSecond.get(i);
    }
    return s;
  }
}
