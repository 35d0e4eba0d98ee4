package org.mailward.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many messages an injector run may still start: a count, a deadline, or
 * both; a stop switch; and, for an open-loop run at a fixed rate, when each
 * message may start. Thread-safe; called once per message.
 */
final class Budget {
  private final AtomicLong remaining;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong slots = new AtomicLong();
  private final long deadlineNanos;
  private final long startNanos;
  private final long intervalNanos;
  private volatile boolean stopped;

  Budget(long count, long deadlineNanos) {
    this(count, deadlineNanos, System.nanoTime(), 0);
  }

  /** @param ratePerSecond messages per second over all sessions; 0 = as fast as replies come (closed loop) */
  Budget(long count, long deadlineNanos, long startNanos, double ratePerSecond) {
    this.remaining = new AtomicLong(count > 0 ? count : Long.MAX_VALUE);
    this.deadlineNanos = deadlineNanos;
    this.startNanos = startNanos;
    this.intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
  }

  /** How long the message just claimed must wait for its slot (0 when unpaced or late). */
  long startDelayNanos() {
    if (intervalNanos == 0) {
      return 0;
    }
    long due = startNanos + slots.getAndIncrement() * intervalNanos;
    return Math.max(0, due - System.nanoTime());
  }

  /** Takes one message from the budget; false when the run is over. */
  boolean claim() {
    if (!hasMore()) {
      return false;
    }
    return remaining.getAndDecrement() > 0;
  }

  boolean hasMore() {
    return !stopped && remaining.get() > 0 && System.nanoTime() < deadlineNanos;
  }

  long nextSequence() {
    return sequence.getAndIncrement();
  }

  void stop() {
    stopped = true;
  }
}
