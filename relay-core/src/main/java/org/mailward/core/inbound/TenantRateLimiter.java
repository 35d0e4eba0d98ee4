package org.mailward.core.inbound;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;

/**
 * A token bucket per tenant for messages per second (burst: one second's worth,
 * at least one). A rate of 0 means unlimited. Thread-safe; time from the injected clock.
 */
final class TenantRateLimiter {
  private final Clock clock;
  private final ConcurrentHashMap<TenantId, Bucket> buckets = new ConcurrentHashMap<>();

  private record Bucket(double tokens, long atMillis) {}

  TenantRateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Takes one token for a new message; false when the tenant is over its rate. */
  boolean tryAcquire(Tenant tenant) {
    double rate = tenant.limits().messagesPerSecond();
    if (rate <= 0) {
      return true;
    }
    double burst = Math.max(1.0, rate);
    long now = clock.millis();
    boolean[] ok = {false};
    buckets.compute(tenant.id(), (id, b) -> {
      double tokens = b == null ? burst : Math.min(burst, b.tokens() + (now - b.atMillis()) * rate / 1000.0);
      if (tokens >= 1.0) {
        ok[0] = true;
        tokens -= 1.0;
      }
      return new Bucket(tokens, now);
    });
    return ok[0];
  }
}
