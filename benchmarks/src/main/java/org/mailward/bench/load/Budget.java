package org.mailward.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many messages an injector run may still start: a count, a deadline, or
 * both; and a stop switch. Thread-safe; called once per message.
 */
final class Budget {
  private final AtomicLong remaining;
  private final AtomicLong sequence = new AtomicLong();
  private final long deadlineNanos;
  private volatile boolean stopped;

  Budget(long count, long deadlineNanos) {
    this.remaining = new AtomicLong(count > 0 ? count : Long.MAX_VALUE);
    this.deadlineNanos = deadlineNanos;
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
