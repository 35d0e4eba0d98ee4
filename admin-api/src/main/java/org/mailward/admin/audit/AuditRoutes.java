package org.mailward.admin.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;

/**
 * {@code /api/v1/audit}: records by time range, message id and event type (JSON), the same as
 * NDJSON for export, and a verification of the hash chain. A tenant-scoped token sees only its
 * tenant's records. Audit facts hold no address or subject by construction, so nothing is masked.
 */
public final class AuditRoutes {
  static final Set<Role> ROLES = Set.of(Role.ADMIN, Role.AUDITOR, Role.COMPLIANCE);
  static final int MAX_LIMIT = 10_000;
  static final int MAX_EXPORT = 1_000_000;
  private final AuditJournal journal;
  private final Clock clock;

  public AuditRoutes(AuditJournal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/audit", ROLES, this::query),
        Route.get("/api/v1/audit/export", ROLES, this::export),
        Route.post("/api/v1/audit/verify", ROLES, this::verify));
  }

  private record Query(Instant from, Instant to, Optional<MessageId> message, Optional<String> type, int limit) {}

  private Query query(Context ctx, int maxLimit) {
    Instant to = instant(ctx, "to").orElse(clock.instant().plusSeconds(1));
    Instant from = instant(ctx, "from").orElse(to.minusSeconds(24 * 3600));
    if (!from.isBefore(to)) {
      throw ApiProblem.badField("from", "must be before 'to'");
    }
    Optional<MessageId> message = Optional.ofNullable(ctx.queryParam("messageId")).map(s -> {
      try {
        return MessageId.parse(s);
      } catch (RuntimeException e) {
        throw ApiProblem.badField("messageId", "must be a Mailward message id");
      }
    });
    Optional<String> type = Optional.ofNullable(ctx.queryParam("type"));
    if (type.isPresent() && !type.get().matches("[a-z0-9_.-]{1,64}")) {
      throw ApiProblem.badField("type", "must be an event type such as delivery.attempt");
    }
    int limit;
    try {
      limit = Optional.ofNullable(ctx.queryParam("limit")).map(Integer::parseInt).orElse(Math.min(1000, maxLimit));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > maxLimit) {
      throw ApiProblem.badField("limit", "must be an integer from 1 to " + maxLimit);
    }
    return new Query(from, to, message, type, limit);
  }

  private static Optional<Instant> instant(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(v));
    } catch (DateTimeParseException e) {
      throw ApiProblem.badField(name, "must be an RFC 3339 timestamp such as 2026-12-04T18:00:00Z");
    }
  }

  private List<AuditRecord> records(Query q, Principal p) {
    // the port filters by time and message; type and tenant are filtered here, so ask for more than shown
    int ask = q.type().isPresent() || p.tenant().isPresent() ? Math.min(MAX_EXPORT, q.limit() * 20) : q.limit();
    return journal.query(q.from(), q.to(), q.message(), ask).stream()
        .filter(r -> q.type().map(t -> r.event().type().equals(t) || r.event().type().startsWith(t + ".")).orElse(true))
        .filter(r -> p.tenant().isEmpty() || r.event().tenant().equals(p.tenant()))
        .limit(q.limit()).toList();
  }

  private void query(Context ctx, Principal p) {
    Query q = query(ctx, MAX_LIMIT);
    ArrayNode a = Json.array();
    records(q, p).forEach(r -> a.add(json(r)));
    Json.send(ctx, 200, Json.object().set("records", a));
  }

  private void export(Context ctx, Principal p) throws IOException {
    Query q = query(ctx, MAX_EXPORT);
    List<AuditRecord> records = records(q, p);
    ctx.status(200).contentType("application/x-ndjson");
    OutputStream out = ctx.outputStream();
    for (AuditRecord r : records) {
      out.write(Json.write(json(r)).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    out.flush();
  }

  private void verify(Context ctx, Principal p) {
    Optional<Long> broken = journal.verifyChain();
    ObjectNode o = Json.object().put("intact", broken.isEmpty());
    broken.ifPresent(b -> o.put("firstBrokenSequence", b));
    Json.send(ctx, 200, o);
  }

  public static ObjectNode json(AuditRecord r) {
    ObjectNode o = Json.object().put("sequence", r.sequence()).put("at", r.event().at().toString())
        .put("type", r.event().type());
    r.event().messageId().ifPresent(m -> o.put("messageId", m.toString()));
    r.event().tenant().ifPresent(t -> o.put("tenant", t.value()));
    ObjectNode f = o.putObject("facts");
    r.event().facts().forEach(f::put);
    o.put("hash", HexFormat.of().formatHex(r.hash()));
    return o;
  }
}
