package org.mailward.delivery.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.mailward.delivery.DeliveryConfig;

/**
 * Per-destination-domain admission: how many batches may run at once (adapted
 * AIMD-style: halved and paused after a 421 / 4.7.x, grown back by one per clean
 * batch), and a token bucket for the message rate. Used only from the scheduler
 * thread, so it is not thread-safe by design.
 */
final class DestinationGate {
  private final int maxConcurrency;
  private final double ratePerSecond;
  private final Duration pause;
  private final Clock clock;
  private int concurrency;
  private int running;
  private Instant pausedUntil = Instant.MIN;
  private double tokens;
  private Instant refilled;

  DestinationGate(DeliveryConfig.Limits limits, Duration pause, Clock clock) {
    this.maxConcurrency = limits.perDomainConnections();
    this.ratePerSecond = limits.perDomainMessagesPerSecond();
    this.pause = pause;
    this.clock = clock;
    this.concurrency = maxConcurrency;
    this.tokens = Math.max(1, ratePerSecond);
    this.refilled = clock.instant();
  }

  /** How many messages may start now (0 = wait): limited by concurrency, pause and tokens. */
  int admit(int wanted) {
    Instant now = clock.instant();
    if (running >= concurrency || now.isBefore(pausedUntil)) {
      return 0;
    }
    if (ratePerSecond == 0) {
      return wanted;
    }
    double elapsed = Duration.between(refilled, now).toNanos() / 1e9;
    tokens = Math.min(Math.max(1, ratePerSecond), tokens + elapsed * ratePerSecond);
    refilled = now;
    int n = (int) Math.min(wanted, Math.floor(tokens));
    return Math.max(n, 0);
  }

  void started(int messages) {
    running++;
    if (ratePerSecond > 0) {
      tokens -= messages;
    }
  }

  void finished(boolean throttled) {
    running--;
    if (throttled) {
      concurrency = Math.max(1, concurrency / 2);
      pausedUntil = clock.instant().plus(pause);
    } else if (concurrency < maxConcurrency) {
      concurrency++;
    }
  }

  void throttle() {
    pausedUntil = clock.instant().plus(pause);
  }

  boolean idle() {
    return running == 0;
  }

  int concurrency() {
    return concurrency;
  }

  Instant pausedUntil() {
    return pausedUntil;
  }
}
