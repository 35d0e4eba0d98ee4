package org.mailward.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.mailward.admin.health.HealthRoutes.Check;
import org.mailward.api.AuditHealth;
import org.mailward.api.AuditJournal;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;
import org.mailward.delivery.DeliveryService;

/**
 * What {@code /readyz} checks: the SMTP listeners are bound, the spool accepts (not failed, not
 * behind its sync), the spool's disk has headroom above {@code spool.minFreeSpace}, the audit
 * journal records (else mail is refused with 451 4.3.0 and delivery pauses), and delivery
 * runs (or is switched off by configuration, which is reported, not failed). Cheap: the spool's
 * and the audit journal's health are field reads.
 */
final class Readiness {
  private Readiness() {}

  static Supplier<Map<String, Check>> of(Set<String> listeners, Spool spool, AuditJournal audit,
      Optional<DeliveryService> delivery) {
    Set<String> bound = Set.copyOf(listeners);
    return () -> {
      Map<String, Check> c = new LinkedHashMap<>();
      c.put("listeners", new Check(!bound.isEmpty(), bound.isEmpty() ? "no SMTP listener bound" : bound.size() + " bound"));
      SpoolHealth h = spool.health();
      c.put("spool", new Check(h.state() != SpoolHealth.State.FAILED, h.state().name().toLowerCase(java.util.Locale.ROOT)));
      c.put("disk", new Check(h.state() != SpoolHealth.State.FULL, (h.freeBytes() >> 20) + " MB free"));
      AuditHealth a = audit.health();
      c.put("audit", new Check(a.recording(), a.recording() ? "recording"
          : "not recording since " + a.since().map(Object::toString).orElse("?") + ": mail refused, delivery paused"));
      c.put("delivery", new Check(true, delivery.isPresent() ? "running" : "disabled by configuration"));
      return c;
    };
  }
}
