package org.mailward.core.auth;

import org.mailward.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerifiedCredentialsTest {
  private static final java.time.Instant START = java.time.Instant.parse("2026-11-26T00:00:00Z");

  @Test
  void aVerifiedPassword_isRememberedForItsStoredHash_untilTheTtlPasses() {
    ManualClock clock = new ManualClock(START);
    VerifiedCredentials cache = new VerifiedCredentials(clock, Duration.ofMinutes(10), 100);
    cache.remember("$argon2id$a", "secret-one".toCharArray());
    assertThat(cache.recentlyVerified("$argon2id$a", "secret-one".toCharArray())).isTrue();
    assertThat(cache.recentlyVerified("$argon2id$a", "secret-two".toCharArray())).isFalse();
    assertThat(cache.recentlyVerified("$argon2id$b", "secret-one".toCharArray())).as("a changed stored hash misses").isFalse();
    clock.advance(Duration.ofMinutes(11));
    assertThat(cache.recentlyVerified("$argon2id$a", "secret-one".toCharArray())).isFalse();
  }

  @Test
  void theCacheIsBounded_evictingTheLeastRecentlyUsed() {
    VerifiedCredentials cache = new VerifiedCredentials(new ManualClock(START), Duration.ofMinutes(10), 2);
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
    VerifiedCredentials cache = new VerifiedCredentials(new ManualClock(START), Duration.ZERO, 10);
    cache.remember("h", "one".toCharArray());
    assertThat(cache.recentlyVerified("h", "one".toCharArray())).isFalse();
  }
}
