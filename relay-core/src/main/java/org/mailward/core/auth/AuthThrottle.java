package org.mailward.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.core.inbound.InboundConfig.AuthThrottling;

/**
 * Counts AUTH failures per client address and per user token within a window
 * and locks either out for a while once it reaches its limit. In memory, per
 * node; keys are an address and a keyed user token, never a user name in clear.
 * Thread-safe; called from the AUTH executor.
 */
public final class AuthThrottle {
  private static final int MAX_ENTRIES = 100_000;
  private final AuthThrottling settings;
  private final Clock clock;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  private record Counter(long windowStart, int failures, long lockedUntil) {}

  public AuthThrottle(AuthThrottling settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Whether an attempt from {@code ip} for {@code userToken} may be checked at all. */
  public boolean allowed(String ip, String userToken) {
    long now = clock.millis();
    return !locked(counters.get("ip:" + ip), now) && !locked(counters.get("user:" + userToken), now);
  }

  public void recordFailure(String ip, String userToken) {
    long now = clock.millis();
    if (counters.size() > MAX_ENTRIES) {
      counters.values().removeIf(c -> c.lockedUntil() < now && now - c.windowStart() > settings.window().toMillis());
    }
    bump("ip:" + ip, settings.maxFailuresPerIp(), now);
    bump("user:" + userToken, settings.maxFailuresPerUser(), now);
  }

  /** A success clears the user's count (not the address's: one good account must not hide a spray). */
  public void recordSuccess(String userToken) {
    counters.remove("user:" + userToken);
  }

  public Duration failureDelay() {
    return settings.failureDelay();
  }

  private void bump(String key, int max, long now) {
    counters.compute(key, (k, c) -> {
      if (c == null || now - c.windowStart() > settings.window().toMillis()) {
        c = new Counter(now, 0, 0);
      }
      int failures = c.failures() + 1;
      long lockedUntil = failures >= max ? now + settings.lockout().toMillis() : c.lockedUntil();
      return new Counter(failures >= max ? now : c.windowStart(), failures >= max ? 0 : failures, lockedUntil);
    });
  }

  private static boolean locked(Counter c, long now) {
    return c != null && c.lockedUntil() > now;
  }
}
