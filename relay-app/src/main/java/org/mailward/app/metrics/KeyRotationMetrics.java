// Master-key rotation as metrics: data keys re-wrapped, key rows of finished messages
// deleted again, failed re-wrap passes, master keys destroyed (counters read from the
// spool's DataKeyRewrapper.Stats at scrape time). Does not: label anything by key id.
package org.mailward.app.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.mailward.queue.crypto.DataKeyRewrapper;

public final class KeyRotationMetrics {
  private KeyRotationMetrics() {}

  public static void register(MeterRegistry registry, Supplier<DataKeyRewrapper.Stats> stats) {
    FunctionCounter.builder(MetricNames.SPOOL_KEY_REWRAP, stats, s -> s.get().rewrapped()).tag("result", "rewrapped")
        .description("stored data keys re-wrapped under the active master key").register(registry);
    FunctionCounter.builder(MetricNames.SPOOL_KEY_REWRAP, stats, s -> s.get().orphansRemoved()).tag("result", "shredded")
        .description("key rows of finished messages deleted again by the re-wrap").register(registry);
    FunctionCounter.builder(MetricNames.SPOOL_KEY_REWRAP, stats, s -> s.get().failures()).tag("result", "failed_pass")
        .description("re-wrap passes that failed (logged; retried)").register(registry);
    FunctionCounter.builder(MetricNames.SPOOL_MASTER_KEYS_DESTROYED, stats, s -> s.get().destroyed())
        .description("old master keys destroyed once no data key referred to them").register(registry);
  }
}
