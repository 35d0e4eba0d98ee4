package org.mailward.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class VerifiedCredentialsTest {
  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-26T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aVerifiedPassword_isRememberedForItsStoredHash_untilTheTtlPasses() {
    MovableClock clock = new MovableClock();
    VerifiedCredentials cache = new VerifiedCredentials(clock, Duration.ofMinutes(10), 100);
    cache.remember("$argon2id$a", "secret-one".toCharArray());
    assertThat(cache.recentlyVerified("$argon2id$a", "secret-one".toCharArray())).isTrue();
    assertThat(cache.recentlyVerified("$argon2id$a", "secret-two".toCharArray())).isFalse();
    assertThat(cache.recentlyVerified("$argon2id$b", "secret-one".toCharArray())).as("a changed stored hash misses").isFalse();
    clock.now = clock.now.plus(Duration.ofMinutes(11));
    assertThat(cache.recentlyVerified("$argon2id$a", "secret-one".toCharArray())).isFalse();
  }

  @Test
  void theCacheIsBounded_evictingTheLeastRecentlyUsed() {
    VerifiedCredentials cache = new VerifiedCredentials(new MovableClock(), Duration.ofMinutes(10), 2);
    cache.remember("h", "one".toCharArray());
    cache.remember("h", "two".toCharArray());
    assertThat(cache.recentlyVerified("h", "one".toCharArray())).isTrue();
    cache.remember("h", "three".toCharArray());
    assertThat(cache.recentlyVerified("h", "two".toCharArray())).isFalse();
    assertThat(cache.recentlyVerified("h", "one".toCharArray())).isTrue();
    assertThat(cache.recentlyVerified("h", "three".toCharArray())).isTrue();
  }

  @Test
  void aZeroTtl_disablesTheCache() {
    VerifiedCredentials cache = new VerifiedCredentials(new MovableClock(), Duration.ZERO, 10);
    cache.remember("h", "one".toCharArray());
    assertThat(cache.recentlyVerified("h", "one".toCharArray())).isFalse();
  }
}
