package org.mailward.admin.queue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.MessageId;
import org.mailward.api.QueueControl;
import org.mailward.api.QueueControl.QueueState;
import org.mailward.api.QueueControl.QueuedMessage;
import org.mailward.api.QueueControl.QueuedRecipient;
import org.mailward.api.QueueControl.Selector;
import org.mailward.api.SpoolException;

/**
 * {@code /api/v1/queue}: what {@code postqueue -p}, {@code qshape}, {@code postqueue -f} and
 * {@code postsuper -h/-H/-d} do, on the {@link QueueControl} port. Recipient addresses are masked
 * ({@code ***@domain}) unless the role may see them ({@link Role#seesAddresses()}), and an
 * unmasked view is itself an audit record. Every action is audited ({@code admin.queue}: token id,
 * action, message id or domain, recipients affected). The queue is node-local state: these are
 * not control-plane records. Without a QueueControl on this node every route answers 503, and so
 * does an action the spool does not take (disk full; a bounce whose DSN could not be spooled).
 */
public final class QueueRoutes {
  static final Set<Role> READ = Set.of(Role.ADMIN, Role.OPERATOR, Role.COMPLIANCE);
  static final Set<Role> ACT = Set.of(Role.ADMIN, Role.OPERATOR);
  static final List<Duration> DEFAULT_BUCKETS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(10),
      Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofMinutes(80), Duration.ofMinutes(160),
      Duration.ofMinutes(320), Duration.ofMinutes(640), Duration.ofMinutes(1280));
  static final int MAX_LIST = 10_000;

  private final Optional<QueueControl> queue;
  private final AuditJournal audit;
  private final Clock clock;

  public QueueRoutes(Optional<QueueControl> queue, AuditJournal audit, Clock clock) {
    this.queue = queue;
    this.audit = audit;
    this.clock = clock;
  }

  public List<Route> routes() {
    String m = "/api/v1/queue/messages/{id}";
    return List.of(
        Route.get("/api/v1/queue", READ, this::list),
        Route.get("/api/v1/queue/shape", READ, this::shape),
        Route.get(m, READ, this::one),
        Route.post(m + "/hold", ACT, (ctx, p) -> act(ctx, p, "hold", q -> q.hold(id(ctx)))),
        Route.post(m + "/release", ACT, (ctx, p) -> act(ctx, p, "release", q -> q.release(id(ctx)))),
        Route.post(m + "/retry", ACT, (ctx, p) -> act(ctx, p, "retry", q -> q.retryNow(new Selector.OneMessage(id(ctx))))),
        Route.post(m + "/bounce", ACT, (ctx, p) -> act(ctx, p, "bounce", q -> q.bounce(id(ctx)))),
        Route.delete(m, ACT, (ctx, p) -> act(ctx, p, "delete", q -> q.delete(id(ctx)))),
        Route.post("/api/v1/queue/retry", ACT, this::retryMany),
        Route.get("/api/v1/queue/suspended", READ, (ctx, p) -> {
          ArrayNode a = Json.array();
          queue().suspendedDomains().stream().sorted().forEach(a::add);
          Json.send(ctx, 200, Json.object().set("domains", a));
        }),
        Route.post("/api/v1/queue/domains/{domain}/suspend", ACT, (ctx, p) -> suspend(ctx, p, true)),
        Route.post("/api/v1/queue/domains/{domain}/resume", ACT, (ctx, p) -> suspend(ctx, p, false)));
  }

  private QueueControl queue() {
    return queue.orElseThrow(() -> ApiProblem.unavailable("this node has no queue control"));
  }

  private static MessageId id(Context ctx) {
    try {
      return MessageId.parse(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound("message");
    }
  }

  private void list(Context ctx, Principal p) {
    QueueControl q = queue();
    Optional<QueueState> state = Optional.ofNullable(ctx.queryParam("state")).map(s -> {
      try {
        return QueueState.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badField("state", "must be active, deferred or held");
      }
    });
    Optional<String> domain = Optional.ofNullable(ctx.queryParam("domain")).map(QueueRoutes::domain);
    int limit = intParam(ctx, "limit", 1, MAX_LIST, 1000);
    List<QueuedMessage> found = q.list(state, domain, p.tenant().isPresent() ? MAX_LIST : limit).stream()
        .filter(m -> p.sees(m.tenant())).limit(limit).toList();
    ArrayNode a = Json.array();
    found.forEach(m -> a.add(json(m, p.role().seesAddresses())));
    if (p.role().seesAddresses() && !found.isEmpty()) {
      viewed(p, "queue.list", Map.of("messages", Integer.toString(found.size())), Optional.empty());
    }
    Json.send(ctx, 200, Json.object().set("messages", a));
  }

  private void one(Context ctx, Principal p) {
    QueuedMessage m = visible(p, id(ctx));
    if (p.role().seesAddresses()) {
      viewed(p, "queue.message", Map.of(), Optional.of(m.id()));
    }
    Json.send(ctx, 200, json(m, p.role().seesAddresses()));
  }

  private QueuedMessage visible(Principal p, MessageId id) {
    return queue().message(id).filter(m -> p.sees(m.tenant())).orElseThrow(() -> ApiProblem.notFound("message"));
  }

  private void shape(Context ctx, Principal p) {
    if (p.tenant().isPresent()) {
      throw ApiProblem.forbidden();
    }
    List<Duration> buckets = DEFAULT_BUCKETS;
    String b = ctx.queryParam("buckets");
    if (b != null) {
      buckets = new ArrayList<>();
      for (String part : b.split(",")) {
        try {
          buckets.add(parseDuration(part.trim()));
        } catch (RuntimeException e) {
          throw ApiProblem.badField("buckets", "must be increasing durations such as 5m,1h,4h,1d");
        }
      }
      for (int i = 1; i < buckets.size(); i++) {
        if (buckets.get(i).compareTo(buckets.get(i - 1)) <= 0) {
          throw ApiProblem.badField("buckets", "must be increasing durations such as 5m,1h,4h,1d");
        }
      }
    }
    ObjectNode o = Json.object();
    ArrayNode bs = o.putArray("buckets");
    buckets.forEach(d -> bs.add(d.toString()));
    ArrayNode ds = o.putArray("destinations");
    for (QueueControl.DestinationShape s : queue().shape(clock.instant(), buckets)) {
      ObjectNode d = ds.addObject().put("domain", s.domain()).put("total", s.total());
      ArrayNode c = d.putArray("counts");
      s.countsByAge().forEach(c::add);
    }
    Json.send(ctx, 200, o);
  }

  @FunctionalInterface
  private interface Action {
    CompletionStage<Integer> run(QueueControl q);
  }

  private void act(Context ctx, Principal p, String action, Action a) throws Exception {
    QueuedMessage m = visible(p, id(ctx));
    int n = await(a.run(queue()));
    recordDurably(new AuditEvent(clock.instant(), "admin.queue", Optional.of(m.id()), Optional.of(m.tenant()),
        Map.of("actor", "token:" + p.tokenId(), "action", action, "recipients", Integer.toString(n))));
    Json.send(ctx, 200, Json.object().put("action", action).put("recipients", n));
  }

  private void retryMany(Context ctx, Principal p) throws Exception {
    if (p.tenant().isPresent()) {
      throw ApiProblem.forbidden();
    }
    Optional<String> domain = Optional.ofNullable(ctx.queryParam("domain")).map(QueueRoutes::domain);
    Selector s = domain.<Selector>map(Selector.Domain::new).orElse(new Selector.All());
    int n = await(queue().retryNow(s));
    recordDurably(new AuditEvent(clock.instant(), "admin.queue", Optional.empty(), Optional.empty(),
        Map.of("actor", "token:" + p.tokenId(), "action", "retry", "scope", domain.map(d -> "domain").orElse("all"),
            "recipients", Integer.toString(n))));
    Json.send(ctx, 200, Json.object().put("action", "retry").put("recipients", n));
  }

  private void suspend(Context ctx, Principal p, boolean on) throws Exception {
    if (p.tenant().isPresent()) {
      throw ApiProblem.forbidden();
    }
    String d = domain(ctx.pathParam("domain"));
    await(on ? queue().suspend(d) : queue().resume(d));
    recordDurably(new AuditEvent(clock.instant(), "admin.queue", Optional.empty(), Optional.empty(),
        Map.of("actor", "token:" + p.tokenId(), "action", on ? "suspend" : "resume", "domain", d)));
    Json.send(ctx, 200, Json.object().put("domain", d).put("suspended", on));
  }

  private void viewed(Principal p, String what, Map<String, String> facts, Optional<MessageId> message) {
    java.util.Map<String, String> f = new java.util.HashMap<>(facts);
    f.put("actor", "token:" + p.tokenId());
    f.put("view", what);
    audit.append(new AuditEvent(clock.instant(), "admin.view", message, p.tenant(), f));
  }

  /**
   * An operator's action is answered only once its record is durable (or known lost, which the
   * journal counts and reports), so a crash after the answer never leaves the action unrecorded.
   */
  private void recordDurably(AuditEvent event) throws Exception {
    await(audit.appendDurably(event));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw ApiProblem.unavailable("the spool did not confirm the action within 60 s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SpoolException s) {
        throw ApiProblem.unavailable("the spool did not take the action (" + s.getMessage() + "); nothing changed");
      }
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** A domain name in lower case, or a 400 naming {@code domain}. */
  public static String domain(String d) {
    String v = d.trim().toLowerCase(Locale.ROOT);
    if (!v.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
      throw ApiProblem.badField("domain", "must be a domain name");
    }
    return v;
  }

  static int intParam(Context ctx, String name, int min, int max, int orElse) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return orElse;
    }
    try {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiProblem.badField(name, "must be an integer from " + min + " to " + max);
  }

  static Duration parseDuration(String s) {
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (s.charAt(s.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException();
    };
  }

  static ObjectNode json(QueuedMessage m, boolean addresses) {
    ObjectNode o = Json.object().put("id", m.id().toString()).put("tenant", m.tenant().value())
        .put("arrived", m.arrived().toString()).put("sizeBytes", m.sizeBytes()).put("level", m.level().label());
    ArrayNode rs = o.putArray("recipients");
    for (QueuedRecipient r : m.recipients()) {
      ObjectNode j = rs.addObject().put("index", r.index())
          .put("address", addresses ? r.address().asString() : "***@" + r.domain()).put("domain", r.domain())
          .put("state", r.state().name().toLowerCase(Locale.ROOT)).put("attempts", r.attempts());
      r.nextAttempt().ifPresent(t -> j.put("nextAttempt", t.toString()));
      r.lastReply().ifPresent(t -> j.put("lastReply", t));
    }
    return o;
  }

  static Instant now(Clock c) {
    return c.instant();
  }
}
