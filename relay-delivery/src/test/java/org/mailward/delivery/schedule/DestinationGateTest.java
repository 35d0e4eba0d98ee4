package org.mailward.delivery.schedule;

import org.mailward.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mailward.delivery.DeliveryConfig;

class DestinationGateTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-20T12:00:00Z"));

  private DestinationGate gate(int perDomain, double rate) {
    return new DestinationGate(new DeliveryConfig.Limits(100, 10, 10, perDomain, 4, rate, Duration.ofMillis(100)),
        Duration.ofMinutes(1), clock);
  }

  @Test
  void aThrottledBatch_pausesTheDomain_andHalvesItsConcurrency_thenCleanBatchesGrowItBack() {
    DestinationGate g = gate(8, 0);
    g.started(1);
    g.finished(true);
    assertThat(g.concurrency()).isEqualTo(4);
    assertThat(g.admit(10)).isZero();
    clock.advance(Duration.ofSeconds(61));
    assertThat(g.admit(10)).isEqualTo(10);
    g.started(1);
    g.finished(false);
    assertThat(g.concurrency()).isEqualTo(5);
  }

  @Test
  void concurrency_capsRunningBatches() {
    DestinationGate g = gate(2, 0);
    g.started(1);
    g.started(1);
    assertThat(g.admit(5)).isZero();
    g.finished(false);
    assertThat(g.admit(5)).isEqualTo(5);
  }

  @Test
  void messageRate_isATokenBucket() {
    DestinationGate g = gate(8, 10);
    assertThat(g.admit(100)).isEqualTo(10);
    g.started(10);
    g.finished(false);
    assertThat(g.admit(100)).isZero();
    clock.advance(Duration.ofMillis(500));
    assertThat(g.admit(100)).isEqualTo(5);
  }
}
