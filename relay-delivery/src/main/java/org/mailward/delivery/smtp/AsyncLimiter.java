package org.mailward.delivery.smtp;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A semaphore whose waiters get a stage instead of blocking a thread: used for
 * the per-MX connection limit. Fair (first come, first served).
 */
final class AsyncLimiter {
  private final int permits;
  private int used;
  private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();

  AsyncLimiter(int permits) {
    this.permits = permits;
  }

  CompletionStage<Void> acquire() {
    synchronized (this) {
      if (used < permits) {
        used++;
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      waiters.add(f);
      return f;
    }
  }

  void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiters.poll();
      if (next == null) {
        used--;
        return;
      }
    }
    next.complete(null); // the permit passes straight to the next waiter
  }

  synchronized int inUse() {
    return used;
  }
}
