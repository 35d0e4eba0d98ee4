package org.mailward.admin.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows token guessing: after {@code maxFailures} invalid or missing tokens from one client
 * address within {@code window}, that address gets 429 until {@code lockout} has passed. The table
 * is bounded (the oldest entries go first), so a flood of addresses cannot grow it. A success does
 * not reset the count (a valid token should not whitewash a guesser on the same address).
 * Hand-written (a synchronized LinkedHashMap): Caffeine would do, but this is the API's only use.
 */
public final class TokenThrottle {
  private final int maxFailures;
  private final Duration window;
  private final Duration lockout;
  private final Clock clock;
  private final int maxEntries;
  private final LinkedHashMap<String, Entry> byAddress = new LinkedHashMap<>(256, 0.75f, true);

  private record Entry(Instant windowStart, int failures, Instant lockedUntil) {}

  public TokenThrottle(int maxFailures, Duration window, Duration lockout, Clock clock, int maxEntries) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.lockout = lockout;
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  public synchronized boolean locked(String address) {
    Entry e = byAddress.get(address);
    return e != null && clock.instant().isBefore(e.lockedUntil());
  }

  public synchronized void failed(String address) {
    Instant now = clock.instant();
    Entry e = byAddress.get(address);
    if (e == null || now.isAfter(e.windowStart().plus(window))) {
      e = new Entry(now, 0, Instant.EPOCH);
    }
    int failures = e.failures() + 1;
    Instant locked = failures >= maxFailures ? now.plus(lockout) : e.lockedUntil();
    byAddress.put(address, new Entry(failures >= maxFailures ? now : e.windowStart(), failures >= maxFailures ? 0 : failures,
        locked));
    if (byAddress.size() > maxEntries) {
      Iterator<Map.Entry<String, Entry>> it = byAddress.entrySet().iterator();
      it.next();
      it.remove();
    }
  }
}
