// Queue depth and age on /metrics: unfinished recipients by state (from the
// spool's counters, no I/O) and the age of the oldest unfinished message per state
// (from QueueControl's oldest-first listing, read at most once per refresh interval
// however often Prometheus scrapes). Does not: list by domain (qshape is the admin
// API's), or touch envelopes.
package org.mailward.app.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.mailward.api.QueueControl;
import org.mailward.api.Spool;

/** Registers the queue gauges; the ages come from {@code control} when the spool offers one. */
public final class QueueGauges {
  private final Optional<QueueControl> control;
  private final Clock clock;
  private final Duration refresh;
  private volatile long refreshedAt = Long.MIN_VALUE;
  private volatile Map<QueueControl.QueueState, Double> ages = Map.of();

  public QueueGauges(MeterRegistry registry, Spool spool, Optional<QueueControl> control, Clock clock, Duration refresh) {
    this.control = control;
    this.clock = clock;
    this.refresh = refresh;
    Gauge.builder(MetricNames.QUEUE_RECIPIENTS, spool, s -> s.stats().active() - s.stats().deferred())
        .description("unfinished recipients by state").tag("state", "active").register(registry);
    Gauge.builder(MetricNames.QUEUE_RECIPIENTS, spool, s -> s.stats().deferred())
        .description("unfinished recipients by state").tag("state", "deferred").register(registry);
    if (control.isPresent()) {
      for (QueueControl.QueueState state : QueueControl.QueueState.values()) {
        Gauge.builder(MetricNames.QUEUE_OLDEST_AGE, this, g -> g.age(state))
            .description("age in seconds of the oldest unfinished message in this state (0 when none)")
            .tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
      }
    }
  }

  private double age(QueueControl.QueueState state) {
    long now = clock.millis();
    if (now - refreshedAt >= refresh.toMillis()) {
      Map<QueueControl.QueueState, Double> fresh = new EnumMap<>(QueueControl.QueueState.class);
      for (QueueControl.QueueState s : QueueControl.QueueState.values()) {
        fresh.put(s, control.get().list(Optional.of(s), Optional.empty(), 1).stream().findFirst()
            .map(m -> Math.max(0, now - m.arrived().toEpochMilli()) / 1000.0).orElse(0.0));
      }
      ages = fresh;
      refreshedAt = now;
    }
    return ages.getOrDefault(state, 0.0);
  }
}
