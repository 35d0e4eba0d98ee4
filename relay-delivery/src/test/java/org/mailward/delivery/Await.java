package org.mailward.delivery;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for asynchronous outcomes in integration tests. */
public final class Await {
  private Await() {}

  public static void until(Duration max, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
