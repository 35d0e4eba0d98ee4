package org.mailward.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.mailward.admin.health.HealthRoutes.Check;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;
import org.mailward.delivery.DeliveryService;

/**
 * What {@code /readyz} checks: the SMTP listeners are bound, the spool accepts (not failed, not
 * behind its sync), the spool's disk has headroom above {@code spool.minFreeSpace}, and delivery
 * runs (or is switched off by configuration, which is reported, not failed). Cheap: the spool's
 * health is a field read.
 */
final class Readiness {
  private Readiness() {}

  static Supplier<Map<String, Check>> of(Set<String> listeners, Spool spool, Optional<DeliveryService> delivery) {
    Set<String> bound = Set.copyOf(listeners);
    return () -> {
      Map<String, Check> c = new LinkedHashMap<>();
      c.put("listeners", new Check(!bound.isEmpty(), bound.isEmpty() ? "no SMTP listener bound" : bound.size() + " bound"));
      SpoolHealth h = spool.health();
      c.put("spool", new Check(h.state() != SpoolHealth.State.FAILED, h.state().name().toLowerCase(java.util.Locale.ROOT)));
      c.put("disk", new Check(h.state() != SpoolHealth.State.FULL, (h.freeBytes() >> 20) + " MB free"));
      c.put("delivery", new Check(true, delivery.isPresent() ? "running" : "disabled by configuration"));
      return c;
    };
  }
}
