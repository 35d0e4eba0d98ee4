package org.mailward.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.api.AuthLockouts;
import org.mailward.core.inbound.InboundConfig.AuthThrottling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts AUTH failures per client address and per (user, client address) pair
 * within a window, and locks the one that reaches its limit for a while — the
 * way Postfix's anvil and Dovecot's auth penalty key on the client. Never per
 * user name alone: a stranger's wrong passwords for a tenant's user name from
 * one address cannot lock out that tenant's correct logins from its own servers.
 *
 * <p>Rules: an attempt is refused while its pair is locked, or while its address
 * is locked unless that same pair authenticated correctly within the window (a
 * known-good client on a shared address keeps working). Password spraying — many
 * user names from one address — runs into the address limit. A success clears
 * its pair's count, not the address's (one good account must not hide a spray).
 *
 * <p>Keys are an address and a keyed user token, never a user name in clear; a
 * lock-out is logged once with both and counted. In memory, per node, bounded;
 * thread-safe (the AUTH executor and the admin API call it).
 */
public final class AuthThrottle implements AuthLockouts {
  private static final Logger LOG = LoggerFactory.getLogger(AuthThrottle.class);
  private static final int MAX_ENTRIES = 100_000;
  private final AuthThrottling settings;
  private final Clock clock;
  private final LongAdder lockouts;
  private final ConcurrentHashMap<Key, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Long> lastSuccess = new ConcurrentHashMap<>();

  /** @param userToken empty for the address's own count */
  private record Key(String ip, Optional<String> userToken) {
    Scope scope() {
      return userToken.isPresent() ? Scope.USER_AT_CLIENT_ADDRESS : Scope.CLIENT_ADDRESS;
    }
  }

  private record Counter(long windowStart, int failures, long lockedSince, long lockedUntil, int lockedAfter) {}

  /** @param lockouts counts lock-outs as they start (a metric) */
  public AuthThrottle(AuthThrottling settings, Clock clock, LongAdder lockouts) {
    this.settings = settings;
    this.clock = clock;
    this.lockouts = lockouts;
  }

  /** Whether an attempt from {@code ip} for {@code userToken} may be checked at all. */
  public boolean allowed(String ip, String userToken) {
    long now = clock.millis();
    Key pair = new Key(ip, Optional.of(userToken));
    if (locked(counters.get(pair), now)) {
      return false;
    }
    return !locked(counters.get(new Key(ip, Optional.empty())), now) || recentlyGood(pair, now);
  }

  public void recordFailure(String ip, String userToken) {
    long now = clock.millis();
    if (counters.size() > MAX_ENTRIES || lastSuccess.size() > MAX_ENTRIES) {
      long window = settings.window().toMillis();
      counters.values().removeIf(c -> c.lockedUntil() < now && now - c.windowStart() > window);
      lastSuccess.values().removeIf(at -> now - at > window);
    }
    bump(new Key(ip, Optional.empty()), settings.maxFailuresPerIp(), now);
    bump(new Key(ip, Optional.of(userToken)), settings.maxFailuresPerUserAndIp(), now);
  }

  /** A success clears its pair's count and marks the pair known-good for the window. */
  public void recordSuccess(String ip, String userToken) {
    Key pair = new Key(ip, Optional.of(userToken));
    counters.remove(pair);
    lastSuccess.put(pair, clock.millis());
  }

  public Duration failureDelay() {
    return settings.failureDelay();
  }

  @Override
  public List<Lockout> list() {
    long now = clock.millis();
    List<Lockout> out = new ArrayList<>();
    counters.forEach((k, c) -> {
      if (locked(c, now)) {
        out.add(new Lockout(k.scope(), k.ip(), k.userToken(), c.lockedAfter(), Instant.ofEpochMilli(c.lockedSince()),
            Instant.ofEpochMilli(c.lockedUntil())));
      }
    });
    out.sort(Comparator.comparing(Lockout::since));
    return out;
  }

  @Override
  public int clear(String clientAddress) {
    long now = clock.millis();
    int[] lifted = {0};
    counters.entrySet().removeIf(e -> {
      if (!e.getKey().ip().equals(clientAddress)) {
        return false;
      }
      if (locked(e.getValue(), now)) {
        lifted[0]++;
      }
      return true;
    });
    if (lifted[0] > 0) {
      LOG.info("AUTH lock-outs of client {} cleared by an operator ({})", clientAddress, lifted[0]);
    }
    return lifted[0];
  }

  private boolean recentlyGood(Key pair, long now) {
    Long at = lastSuccess.get(pair);
    return at != null && now - at <= settings.window().toMillis();
  }

  private void bump(Key key, int max, long now) {
    boolean[] started = {false};
    Counter updated = counters.compute(key, (k, c) -> {
      if (c == null) {
        c = new Counter(now, 0, 0, 0, 0);
      } else if (now - c.windowStart() > settings.window().toMillis()) {
        c = new Counter(now, 0, c.lockedSince(), c.lockedUntil(), c.lockedAfter());
      }
      int failures = c.failures() + 1;
      if (failures >= max) {
        started[0] = true;
        return new Counter(now, 0, now, now + settings.lockout().toMillis(), failures);
      }
      return new Counter(c.windowStart(), failures, c.lockedSince(), c.lockedUntil(), c.lockedAfter());
    });
    if (started[0]) {
      lockouts.increment();
      LOG.warn("AUTH lock-out: client {}{} after {} failures within {}, for {}", key.ip(),
          key.userToken().map(t -> " user " + t).orElse(" (every user not known-good there)"), updated.lockedAfter(),
          settings.window(), settings.lockout());
    }
  }

  private static boolean locked(Counter c, long now) {
    return c != null && c.lockedUntil() > now;
  }
}
