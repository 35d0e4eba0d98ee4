package org.mailward.delivery.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mailward.delivery.DeliveryConfig;

class RetryPolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  private static RetryPolicy policy(double jitter) {
    return new RetryPolicy(new DeliveryConfig.Retry(Duration.ofMinutes(5), Duration.ofHours(4), jitter, Duration.ofDays(5),
        Duration.ofDays(1), Duration.ofMinutes(1)), new java.util.Random(7));
  }

  @Test
  void backoff_doublesPerAttempt_upToTheCap() {
    RetryPolicy p = policy(0);
    assertThat(Duration.between(T0, p.next(T0, 1, T0))).isEqualTo(Duration.ofMinutes(5));
    assertThat(Duration.between(T0, p.next(T0, 2, T0))).isEqualTo(Duration.ofMinutes(10));
    assertThat(Duration.between(T0, p.next(T0, 4, T0))).isEqualTo(Duration.ofMinutes(40));
    assertThat(Duration.between(T0, p.next(T0, 40, T0))).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void jitter_staysWithinItsSpread() {
    RetryPolicy p = policy(0.2);
    for (int i = 0; i < 200; i++) {
      Duration d = Duration.between(T0, p.next(T0, 3, T0));
      assertThat(d).isBetween(Duration.ofMinutes(16), Duration.ofMinutes(24));
    }
  }

  @Test
  void noRetryIsScheduledPastTheQueueLifetime_andExpiryIsAtFiveDays() {
    RetryPolicy p = policy(0);
    Instant late = T0.plus(Duration.ofDays(5)).minusSeconds(60);
    assertThat(p.next(late, 30, T0)).isEqualTo(T0.plus(Duration.ofDays(5)));
    assertThat(p.expired(late, T0)).isFalse();
    assertThat(p.expired(T0.plus(Duration.ofDays(5)), T0)).isTrue();
    assertThat(p.fallbackDue(T0.plus(Duration.ofHours(23)), T0)).isFalse();
    assertThat(p.fallbackDue(T0.plus(Duration.ofDays(1)), T0)).isTrue();
  }

  /** Simulates tries a second after each due time for 12 hours; returns how many deferrals warned, and the due times. */
  private static int warnings(RetryPolicy p, java.util.List<Instant> dues) {
    Instant due = T0;
    Instant now = T0;
    int warned = 0;
    for (int attempts = 1; now.isBefore(T0.plus(Duration.ofHours(12))); attempts++) {
      if (p.delayWarningDue(due, now, T0)) {
        warned++;
      }
      due = p.next(now, attempts, T0);
      dues.add(due);
      now = due.plusSeconds(1);
    }
    return warned;
  }

  @Test
  void aRetryThatWouldJumpPastTheDelayWarningTime_isMadeAtIt_andExactlyOneDeferralWarns() {
    java.util.List<Instant> dues = new java.util.ArrayList<>();
    assertThat(warnings(policy(0.2), dues)).isEqualTo(1);
    assertThat(dues).contains(T0.plus(Duration.ofHours(4)));
  }

  @Test
  void delayWarningZero_neverWarns_andLeavesTheScheduleAlone() {
    RetryPolicy off = new RetryPolicy(new DeliveryConfig.Retry(Duration.ofMinutes(5), Duration.ofHours(4), 0, Duration.ofDays(5),
        Duration.ofDays(1), Duration.ofMinutes(1), Duration.ZERO), new java.util.Random(7));
    java.util.List<Instant> dues = new java.util.ArrayList<>();
    assertThat(warnings(off, dues)).isZero();
    assertThat(dues).doesNotContain(T0.plus(Duration.ofHours(4)));
  }
}
