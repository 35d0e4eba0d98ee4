package org.mailward.core.inbound;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Small helpers for completion stages: a timeout on a given scheduler, and calls that may throw. */
final class Stages {
  private Stages() {}

  /** {@code stage}, or a {@link TimeoutException} after {@code timeout}; a synchronous throw becomes a failed stage. */
  static <T> CompletableFuture<T> within(Supplier<CompletionStage<T>> call, Duration timeout, ScheduledExecutorService timer) {
    CompletableFuture<T> f = new CompletableFuture<>();
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
      return f;
    }
    ScheduledFuture<?> t = timer.schedule(() -> f.completeExceptionally(new TimeoutException()), timeout.toMillis(), TimeUnit.MILLISECONDS);
    stage.whenComplete((v, e) -> {
      t.cancel(false);
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(v);
      }
    });
    return f;
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
