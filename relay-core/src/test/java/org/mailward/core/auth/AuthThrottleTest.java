package org.mailward.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.mailward.api.AuthLockouts.Lockout;
import org.mailward.api.AuthLockouts.Scope;
import org.mailward.core.inbound.InboundConfig;
import org.mailward.testkit.ManualClock;

/** Who a run of failed logins may lock out, and who it must not. Time moves by hand. */
class AuthThrottleTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = new ManualClock(T0);
  final LongAdder lockouts = new LongAdder();

  AuthThrottle throttle(int perIp, int perUserAndIp) {
    return new AuthThrottle(new InboundConfig.AuthThrottling(perIp, perUserAndIp, Duration.ofMinutes(15), Duration.ofMinutes(15),
        Duration.ZERO), clock, lockouts);
  }

  @Test
  void aUsersFailuresFromOneAddress_lockThatPairOnly_notTheUserElsewhere() {
    AuthThrottle t = throttle(100, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(t.allowed("127.0.0.2", "tenant")).isTrue();
      t.recordFailure("127.0.0.2", "tenant");
    }
    assertThat(t.allowed("127.0.0.2", "tenant")).isFalse();
    assertThat(t.allowed("127.0.0.1", "tenant")).as("the tenant's own server").isTrue();
    assertThat(t.allowed("127.0.0.2", "other")).isTrue();
    clock.advance(Duration.ofMinutes(16));
    assertThat(t.allowed("127.0.0.2", "tenant")).isTrue();
  }

  @Test
  void sprayingManyUserNamesFromOneAddress_locksTheAddress_forEveryUserNotKnownGoodThere() {
    AuthThrottle t = throttle(4, 100);
    for (int i = 0; i < 4; i++) {
      t.recordFailure("127.0.0.9", "user" + i);
    }
    assertThat(t.allowed("127.0.0.9", "fresh")).isFalse();
    assertThat(t.allowed("127.0.0.8", "fresh")).isTrue();
  }

  @Test
  void aClientThatLoggedInCorrectlyWithinTheWindow_isNotThrottledByFailuresOfOthersAtItsAddress() {
    AuthThrottle t = new AuthThrottle(new InboundConfig.AuthThrottling(4, 100, Duration.ofMinutes(5), Duration.ofMinutes(15),
        Duration.ZERO), clock, lockouts);
    t.recordSuccess("10.0.0.5", "esp");           // the ESP behind a shared NAT address
    for (int i = 0; i < 4; i++) {
      t.recordFailure("10.0.0.5", "guess" + i);   // someone else on that address sprays
    }
    assertThat(t.allowed("10.0.0.5", "guess9")).isFalse();
    assertThat(t.allowed("10.0.0.5", "esp")).isTrue();
    clock.advance(Duration.ofMinutes(6));         // the lock-out holds; the ESP's success is now older than the window
    assertThat(t.allowed("10.0.0.5", "esp")).isFalse();
  }

  @Test
  void aSuccess_clearsItsPairsCount_butNotTheAddresss() {
    AuthThrottle t = throttle(3, 2);
    t.recordFailure("127.0.0.3", "u");
    t.recordSuccess("127.0.0.3", "u");
    t.recordFailure("127.0.0.3", "u");
    assertThat(t.allowed("127.0.0.3", "u")).as("pair count restarted after the success").isTrue();
    t.recordFailure("127.0.0.3", "v");
    assertThat(t.allowed("127.0.0.3", "w")).as("address count kept: 3 failures").isFalse();
  }

  @Test
  void lockouts_areListedWithTheirScopeAndToken_counted_andClearedPerAddress() {
    AuthThrottle t = throttle(3, 2);
    t.recordFailure("127.0.0.4", "tok-a");
    clock.advance(Duration.ofSeconds(1));
    t.recordFailure("127.0.0.4", "tok-a");   // the pair locks
    t.recordFailure("127.0.0.4", "tok-b");   // the address locks
    t.recordFailure("127.0.0.5", "tok-a");
    assertThat(t.list()).containsExactlyInAnyOrder(
        new Lockout(Scope.USER_AT_CLIENT_ADDRESS, "127.0.0.4", Optional.of("tok-a"), 2, T0.plusSeconds(1), T0.plusSeconds(901)),
        new Lockout(Scope.CLIENT_ADDRESS, "127.0.0.4", Optional.empty(), 3, T0.plusSeconds(1), T0.plusSeconds(901)));
    assertThat(lockouts.sum()).isEqualTo(2);
    assertThat(t.clear("127.0.0.5")).isZero();
    assertThat(t.clear("127.0.0.4")).isEqualTo(2);
    assertThat(t.list()).isEmpty();
    assertThat(t.allowed("127.0.0.4", "tok-a")).isTrue();
  }
}
