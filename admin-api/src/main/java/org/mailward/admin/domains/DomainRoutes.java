package org.mailward.admin.domains;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.controlplane.Changes;
import org.mailward.admin.controlplane.DestinationPolicyRegistry;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Body;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.admin.queue.QueueRoutes;
import org.mailward.api.BounceBreaker;
import org.mailward.api.ChangeRecord;
import org.mailward.api.DestinationTlsPolicy;
import org.mailward.api.Destinations;
import org.mailward.api.SecurityLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/domains}: destination domains as delivery sees them, and their TLS policy.
 * {@code GET /domains} lists the TLS policies in force; {@code GET /domains/{domain}} adds what
 * delivery believes now (route and MX hosts, the cached MTA-STS policy, DANE, throttle, the last
 * outcome — the {@link Destinations} port) and the hard-bounce breaker ({@link BounceBreaker});
 * {@code PUT}/{@code DELETE /domains/{domain}/tls-policy} set and clear the policy as
 * control-plane records, each an {@code admin.change} audit record naming the domain and level.
 * Destination state is node-wide: a tenant-scoped token gets 403.
 */
public final class DomainRoutes {
  static final Set<Role> READ = Set.of(Role.ADMIN, Role.OPERATOR, Role.AUDITOR);
  static final Set<Role> WRITE = Set.of(Role.ADMIN, Role.OPERATOR);
  private static final Logger LOG = LoggerFactory.getLogger(DomainRoutes.class);
  private static final int MAX_NOTE = 200;

  private final DestinationPolicyRegistry policies;
  private final Optional<Destinations> destinations;
  private final Optional<BounceBreaker> breaker;
  private final Changes changes;

  public DomainRoutes(DestinationPolicyRegistry policies, Optional<Destinations> destinations, Optional<BounceBreaker> breaker,
      Changes changes) {
    this.policies = policies;
    this.destinations = destinations;
    this.breaker = breaker;
    this.changes = changes;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/domains", READ, this::list),
        Route.get("/api/v1/domains/{domain}", READ, this::show),
        Route.put("/api/v1/domains/{domain}/tls-policy", WRITE, this::set),
        Route.delete("/api/v1/domains/{domain}/tls-policy", WRITE, this::clear));
  }

  private static void nodeWide(Principal p) {
    if (p.tenant().isPresent()) {
      throw ApiProblem.forbidden();
    }
  }

  private void list(Context ctx, Principal p) {
    nodeWide(p);
    ArrayNode a = Json.array();
    policies.all().forEach(x -> a.add(policy(x)));
    Json.send(ctx, 200, Json.object().set("tlsPolicies", a));
  }

  private void show(Context ctx, Principal p) throws InterruptedException {
    nodeWide(p);
    String domain = QueueRoutes.domain(ctx.pathParam("domain"));
    ObjectNode o = Json.object().put("domain", domain);
    policies.policy(domain).ifPresentOrElse(x -> o.set("tlsPolicy", policy(x)), () -> o.putNull("tlsPolicy"));
    breaker.ifPresent(b -> o.putObject("bounceBreaker").put("tripped", b.tripped().contains(domain)));
    if (destinations.isEmpty()) {
      o.put("delivery", "off");
      Json.send(ctx, 200, o);
      return;
    }
    Destinations.View v;
    try {
      v = destinations.get().describe(domain).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("destination view of {} failed: {}", domain, e.getClass().getSimpleName());
      throw ApiProblem.unavailable("delivery could not describe the destination in time");
    }
    o.put("delivery", "on").put("route", v.route());
    ArrayNode hosts = o.putArray("mx");
    for (Destinations.Host h : v.hosts()) {
      ArrayNode addrs = hosts.addObject().put("name", h.name()).put("preference", h.preference()).putArray("addresses");
      h.addresses().forEach(addrs::add);
    }
    v.mtaSts().ifPresentOrElse(s -> {
      ObjectNode m = o.putObject("mtaSts").put("mode", s.mode()).put("maxAge", s.maxAgeSeconds()).put("id", s.id())
          .put("expires", s.expires().toString());
      ArrayNode mx = m.putArray("mx");
      s.mxPatterns().forEach(mx::add);
    }, () -> o.putNull("mtaSts"));
    o.putObject("dane").put("state", v.dane().state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .put("host", v.dane().host()).put("detail", v.dane().detail());
    ObjectNode t = o.putObject("throttle");
    v.throttle().pausedUntil().ifPresentOrElse(x -> t.put("pausedUntil", x.toString()), () -> t.putNull("pausedUntil"));
    t.put("concurrency", v.throttle().concurrency()).put("maxConcurrency", v.throttle().maxConcurrency())
        .put("messagesPerSecond", v.throttle().messagesPerSecond());
    v.lastOutcome().ifPresentOrElse(l -> o.putObject("lastOutcome").put("at", l.at().toString()).put("result", l.result())
        .put("reason", l.reason()).put("mx", l.mx()), () -> o.putNull("lastOutcome"));
    Json.send(ctx, 200, o);
  }

  private void set(Context ctx, Principal p) throws InterruptedException {
    nodeWide(p);
    String domain = QueueRoutes.domain(ctx.pathParam("domain"));
    Body b = Json.body(ctx).only("level", "exception", "note");
    SecurityLevel level = b.parsed("level", SecurityLevel::fromLabel, "encrypt, verify or dane");
    if (level == SecurityLevel.PORTAL) {
      throw ApiProblem.badField("level", "must be encrypt, verify or dane");
    }
    boolean exception = b.bool("exception").orElse(false);
    Optional<String> note = b.optText("note");
    if (note.isPresent() && (note.get().length() > MAX_NOTE || !note.get().matches("[\\p{Print}&&[^<>]]+"))) {
      throw ApiProblem.badField("note", "must be printable text of at most " + MAX_NOTE + " characters");
    }
    if (exception && level != SecurityLevel.ENCRYPT) {
      throw ApiProblem.badField("exception", "only level encrypt can be an exception to the destination's own policy");
    }
    if (exception && note.isEmpty()) {
      throw ApiProblem.badField("note", "is required for an exception: say why the destination's policy is set aside");
    }
    DestinationTlsPolicy policy = new DestinationTlsPolicy(domain, level, exception, note);
    long version = changes.write(p, new ChangeRecord.DestinationTlsPolicySet(policy),
        Map.of("domain", domain, "level", level.label(), "exception", Boolean.toString(exception)));
    Json.send(ctx, 200, policy(policy).put("version", version));
  }

  private void clear(Context ctx, Principal p) throws InterruptedException {
    nodeWide(p);
    String domain = QueueRoutes.domain(ctx.pathParam("domain"));
    if (policies.policy(domain).isEmpty()) {
      throw ApiProblem.notFound("TLS policy");
    }
    long version = changes.write(p, new ChangeRecord.DestinationTlsPolicyCleared(domain), Map.of("domain", domain));
    Json.send(ctx, 200, Json.object().put("domain", domain).put("cleared", true).put("version", version));
  }

  static ObjectNode policy(DestinationTlsPolicy x) {
    ObjectNode o = Json.object().put("domain", x.domain()).put("level", x.level().label()).put("exception", x.exception());
    x.note().ifPresentOrElse(n -> o.put("note", n), () -> o.putNull("note"));
    return o;
  }
}
