package org.mailward.core.inbound;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;

/**
 * A token bucket per tenant. Two uses: messages per second (the tenant's own
 * {@code messages-per-second}, burst one second's worth, 0 = unlimited) and
 * null-sender messages per minute (one rate for every tenant, burst a minute's
 * worth). Thread-safe; time from the injected clock.
 */
final class TenantRateLimiter {
  private final Clock clock;
  private final ConcurrentHashMap<TenantId, Bucket> buckets = new ConcurrentHashMap<>();

  private record Bucket(double tokens, long atMillis) {}

  TenantRateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Takes one token for a new message at the tenant's messages-per-second; false when it is over its rate. */
  boolean tryAcquire(Tenant tenant) {
    double rate = tenant.limits().messagesPerSecond();
    if (rate <= 0) {
      return true;
    }
    return tryAcquire(tenant.id(), rate, Math.max(1.0, rate));
  }

  /** Takes one token from the tenant's bucket refilled at {@code perSecond} up to {@code burst}. */
  boolean tryAcquire(TenantId tenant, double perSecond, double burst) {
    long now = clock.millis();
    boolean[] ok = {false};
    buckets.compute(tenant, (id, b) -> {
      double tokens = b == null ? burst : Math.min(burst, b.tokens() + (now - b.atMillis()) * perSecond / 1000.0);
      if (tokens >= 1.0) {
        ok[0] = true;
        tokens -= 1.0;
      }
      return new Bucket(tokens, now);
    });
    return ok[0];
  }
}
