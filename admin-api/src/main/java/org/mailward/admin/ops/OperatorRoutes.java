package org.mailward.admin.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.admin.queue.QueueRoutes;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuthLockouts;
import org.mailward.api.BounceBreaker;

/**
 * Node-local protections an operator lifts by hand: SMTP AUTH lock-outs
 * ({@code /api/v1/auth/lockouts}, on the {@link AuthLockouts} port) and the hard-bounce breaker
 * ({@code /api/v1/bounce-breaker}, on the {@link BounceBreaker} port). Lists show user names only
 * as the port's keyed tokens. Each clear or reset is an {@code admin.change} audit record (token
 * id, role, change type, the client address or domain, how many were lifted) without a
 * control-plane version: this state is per node and not replicated. Without the port on this node
 * the routes answer 503. Node-wide: a tenant-scoped token gets 403.
 */
public final class OperatorRoutes {
  static final Set<Role> ROLES = Set.of(Role.ADMIN, Role.OPERATOR);

  private final Optional<AuthLockouts> lockouts;
  private final Optional<BounceBreaker> breaker;
  private final AuditJournal audit;
  private final Clock clock;

  public OperatorRoutes(Optional<AuthLockouts> lockouts, Optional<BounceBreaker> breaker, AuditJournal audit, Clock clock) {
    this.lockouts = lockouts;
    this.breaker = breaker;
    this.audit = audit;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/auth/lockouts", ROLES, this::listLockouts),
        Route.delete("/api/v1/auth/lockouts/{address}", ROLES, this::clearLockout),
        Route.get("/api/v1/bounce-breaker", ROLES, this::listTripped),
        Route.delete("/api/v1/bounce-breaker/{domain}", ROLES, this::resetBreaker));
  }

  private static void nodeWide(Principal p) {
    if (p.tenant().isPresent()) {
      throw ApiProblem.forbidden();
    }
  }

  private AuthLockouts lockouts() {
    return lockouts.orElseThrow(() -> ApiProblem.unavailable("this node has no SMTP AUTH lock-outs"));
  }

  private BounceBreaker breaker() {
    return breaker.orElseThrow(() -> ApiProblem.unavailable("this node runs no delivery, so no hard-bounce breaker"));
  }

  private void listLockouts(io.javalin.http.Context ctx, Principal p) {
    nodeWide(p);
    ArrayNode a = Json.array();
    for (AuthLockouts.Lockout l : lockouts().list()) {
      ObjectNode o = a.addObject().put("scope", l.scope() == AuthLockouts.Scope.CLIENT_ADDRESS ? "client-address"
          : "user-at-client-address").put("clientAddress", l.clientAddress());
      l.userToken().ifPresent(t -> o.put("userToken", t));
      o.put("failures", l.failures()).put("since", l.since().toString()).put("until", l.until().toString());
    }
    Json.send(ctx, 200, Json.object().set("lockouts", a));
  }

  private void clearLockout(io.javalin.http.Context ctx, Principal p) {
    nodeWide(p);
    String address = ipLiteral(ctx.pathParam("address"));
    int n = lockouts().clear(address);
    if (n == 0) {
      throw ApiProblem.notFound("lock-out");
    }
    changed(p, "auth.lockout.cleared", Map.of("clientAddress", address, "lifted", Integer.toString(n)));
    Json.send(ctx, 200, Json.object().put("clientAddress", address).put("lifted", n));
  }

  private void listTripped(io.javalin.http.Context ctx, Principal p) {
    nodeWide(p);
    ArrayNode a = Json.array();
    breaker().tripped().stream().sorted().forEach(a::add);
    Json.send(ctx, 200, Json.object().set("tripped", a));
  }

  private void resetBreaker(io.javalin.http.Context ctx, Principal p) {
    nodeWide(p);
    String domain = QueueRoutes.domain(ctx.pathParam("domain"));
    if (!breaker().reset(domain)) {
      throw ApiProblem.notFound("tripped breaker");
    }
    changed(p, "bounce-breaker.reset", Map.of("domain", domain));
    Json.send(ctx, 200, Json.object().put("domain", domain).put("tripped", false));
  }

  private void changed(Principal p, String change, Map<String, String> facts) {
    Map<String, String> f = new java.util.HashMap<>(facts);
    f.put("actor", "token:" + p.tokenId());
    f.put("role", p.role().label());
    f.put("change", change);
    audit.append(new AuditEvent(clock.instant(), "admin.change", Optional.empty(), Optional.empty(), f));
  }

  /** An IPv4 or IPv6 literal, in the form the inbound server records (no DNS look-up: literals only). */
  static String ipLiteral(String raw) {
    String v = raw.trim();
    boolean v4 = v.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (!v4 && !(v.contains(":") && v.matches("[0-9A-Fa-f:.]{2,45}"))) {
      throw ApiProblem.badField("address", "must be an IPv4 or IPv6 address");
    }
    try {
      return InetAddress.getByName(v).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw ApiProblem.badField("address", "must be an IPv4 or IPv6 address");
    }
  }
}
