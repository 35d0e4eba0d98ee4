package org.mailward.admin.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;

/**
 * {@code /healthz}: the process answers (200). {@code /readyz}: every readiness check passes (200)
 * or not (503), with each check's result; relay-app supplies the checks (listeners bound, spool
 * accepting, disk headroom, delivery running). Both without a token, for load balancers and
 * systemd; neither says more than ok / not ok and a fixed reason.
 */
public final class HealthRoutes {
  /** One readiness check's answer; {@code detail} is a fixed, PHI-free text. */
  public record Check(boolean ok, String detail) {}

  private final Supplier<Map<String, Check>> checks;

  public HealthRoutes(Supplier<Map<String, Check>> checks) {
    this.checks = checks;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/healthz", Set.of(), (ctx, p) -> Json.send(ctx, 200, Json.object().put("status", "alive"))),
        Route.get("/readyz", Set.of(), (ctx, p) -> {
          Map<String, Check> c = checks.get();
          boolean ready = c.values().stream().allMatch(Check::ok);
          ObjectNode o = Json.object().put("status", ready ? "ready" : "not-ready");
          ObjectNode cs = o.putObject("checks");
          c.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> cs.putObject(e.getKey())
              .put("ok", e.getValue().ok()).put("detail", e.getValue().detail()));
          Json.send(ctx, ready ? 200 : 503, o);
        }));
  }
}
