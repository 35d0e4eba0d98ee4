package org.mailward.admin.consent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.controlplane.Changes;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Body;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.admin.tenants.TenantRoutes;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ConsentControl;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/tenants/{tenant}/consent} and {@code …/suppressions}: look one address up, grant,
 * revoke, suppress, lift a suppression, and import a file of authorizations as a job while the
 * relay runs. Writes are control-plane records; reads ask this node's registry. The store keeps
 * only keyed hashes of addresses, so there is no listing of addresses here.
 */
public final class ConsentRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ConsentRoutes.class);
  static final Set<Role> ROLES = Set.of(Role.ADMIN, Role.COMPLIANCE);

  private final TenantRoutes tenants;
  private final ConsentControl consent;
  private final Changes changes;
  private final ImportJobs jobs;
  private final ExecutorService importExecutor;
  private final long maxImportBytes;
  private final Clock clock;

  public ConsentRoutes(TenantRoutes tenants, ConsentControl consent, Changes changes, ImportJobs jobs,
      ExecutorService importExecutor, long maxImportBytes, Clock clock) {
    this.tenants = tenants;
    this.consent = consent;
    this.changes = changes;
    this.jobs = jobs;
    this.importExecutor = importExecutor;
    this.maxImportBytes = maxImportBytes;
    this.clock = clock;
  }

  public List<Route> routes() {
    String c = "/api/v1/tenants/{tenant}/consent";
    String s = "/api/v1/tenants/{tenant}/suppressions";
    return List.of(
        Route.get(c + "/export", ROLES, this::export),
        Route.get(c + "/{address}", ROLES, this::lookup),
        Route.put(c + "/{address}", ROLES, this::grant),
        Route.delete(c + "/{address}", ROLES, this::revoke),
        Route.post(c + "/imports", ROLES, this::startImport),
        Route.get(c + "/imports/{job}", ROLES, this::job),
        Route.get(s, ROLES, this::listSuppressions),
        Route.get(s + "/{address}", ROLES, this::lookup),
        Route.post(s, ROLES, this::suppress),
        Route.delete(s + "/{address}", ROLES, this::unsuppress));
  }

  private static EmailAddress pathAddress(Context ctx) {
    try {
      return Body.parseAddress(ctx.pathParam("address"));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badField("address", "must be an email address (local@domain)");
    }
  }

  private void lookup(Context ctx, Principal p) {
    var t = tenants.existing(ctx, p);
    ConsentControl.ConsentView v = consent.lookup(t.id(), pathAddress(ctx));
    ObjectNode o = Json.object().put("recipient", v.recipientToken());
    v.authorization().ifPresentOrElse(a -> authorization(o.putObject("authorization"), a), () -> o.putNull("authorization"));
    suppressions(o.putObject("suppressions"), v.suppressions());
    Json.send(ctx, 200, o);
  }

  private static void authorization(ObjectNode j, ConsentControl.AuthorizationView a) {
    j.put("state", a.state()).put("grantedAt", a.grantedAt().toString()).put("version", a.version())
        .put("evidence", a.evidence());
    a.expiresAt().ifPresent(x -> j.put("expiresAt", x.toString()));
    a.revokedAt().ifPresent(x -> j.put("revokedAt", x.toString()));
    ArrayNode ps = j.putArray("purposes");
    a.purposes().stream().sorted().forEach(x -> ps.add(x.label()));
  }

  private static void suppressions(ObjectNode sup, Map<Purpose, ConsentControl.SuppressionView> s) {
    s.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sup.putObject(e.getKey().label())
        .put("reason", e.getValue().reason()).put("at", e.getValue().at().toString()));
  }

  /** NDJSON, one authorization per line, recipients by token (the store holds no address). */
  private void export(Context ctx, Principal p) throws IOException {
    var t = tenants.existing(ctx, p);
    ctx.status(200).contentType("application/x-ndjson");
    java.io.OutputStream out = ctx.outputStream();
    IOException[] failed = {null};
    consent.exportConsent(t.id(), (token, a) -> {
      ObjectNode line = Json.object().put("recipient", token);
      authorization(line, a);
      try {
        out.write((Json.write(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return true;
      } catch (IOException e) {
        failed[0] = e;
        return false;
      }
    });
    if (failed[0] != null) {
      throw failed[0];
    }
    out.flush();
  }

  private void listSuppressions(Context ctx, Principal p) {
    var t = tenants.existing(ctx, p);
    String reason = ctx.queryParam("reason");
    if (reason != null && !ConsentControl.SUPPRESSION_REASONS.contains(reason)) {
      throw ApiProblem.badField("reason", "must be one of " + ConsentControl.SUPPRESSION_REASONS.stream().sorted().toList());
    }
    int limit;
    try {
      limit = ctx.queryParam("limit") == null ? 1000 : Integer.parseInt(ctx.queryParam("limit"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 100_000) {
      throw ApiProblem.badField("limit", "must be an integer from 1 to 100000");
    }
    int max = limit;
    ArrayNode a = Json.array();
    consent.exportSuppressions(t.id(), (token, s) -> {
      if (reason == null || s.values().stream().anyMatch(v -> v.reason().equals(reason))) {
        ObjectNode o = a.addObject().put("recipient", token);
        suppressions(o.putObject("purposes"), s);
      }
      return a.size() < max;
    });
    Json.send(ctx, 200, Json.object().set("suppressions", a));
  }

  private void grant(Context ctx, Principal p) throws InterruptedException {
    var t = tenants.existing(ctx, p);
    EmailAddress address = pathAddress(ctx);
    Body b = Json.body(ctx).only("purposes", "grantedAt", "expiresAt", "evidence");
    Set<Purpose> purposes = b.purposes("purposes");
    var grantedAt = b.instant("grantedAt").orElse(clock.instant());
    var expiresAt = b.instant("expiresAt");
    if (purposes.contains(Purpose.MARKETING) && expiresAt.isEmpty()) {
      throw ApiProblem.badField("expiresAt", "is required for marketing (a HIPAA marketing authorization has an expiry)");
    }
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(grantedAt)) {
      throw ApiProblem.badField("expiresAt", "must be after grantedAt");
    }
    String evidence = b.text("evidence");
    if (evidence.length() > 200) {
      throw ApiProblem.badField("evidence", "must have at most 200 characters");
    }
    long v = changes.write(p, new ChangeRecord.ConsentGranted(t.id(), address, purposes, grantedAt, expiresAt, evidence));
    Json.send(ctx, 200, Json.object().put("version", v));
  }

  private void revoke(Context ctx, Principal p) throws InterruptedException {
    var t = tenants.existing(ctx, p);
    long v = changes.write(p, new ChangeRecord.ConsentRevoked(t.id(), pathAddress(ctx)));
    Json.send(ctx, 200, Json.object().put("version", v));
  }

  private void suppress(Context ctx, Principal p) throws InterruptedException {
    var t = tenants.existing(ctx, p);
    Body b = Json.body(ctx).only("address", "purposes", "reason");
    EmailAddress address = b.address("address");
    Set<Purpose> purposes = b.has("purposes") ? b.purposes("purposes") : EnumSet.allOf(Purpose.class);
    String reason = b.optText("reason").orElse("manual").toLowerCase(Locale.ROOT);
    if (!ConsentControl.SUPPRESSION_REASONS.contains(reason)) {
      throw ApiProblem.badField("reason", "must be one of " + ConsentControl.SUPPRESSION_REASONS.stream().sorted().toList());
    }
    long v = changes.write(p, new ChangeRecord.SuppressionAdded(t.id(), address, purposes, reason));
    Json.send(ctx, 201, Json.object().put("version", v));
  }

  private void unsuppress(Context ctx, Principal p) throws InterruptedException {
    var t = tenants.existing(ctx, p);
    EmailAddress address = pathAddress(ctx);
    Set<Purpose> purposes = EnumSet.noneOf(Purpose.class);
    for (String s : ctx.queryParams("purpose")) {
      try {
        purposes.add(Purpose.fromLabel(s));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badField("purpose", "must be a purpose (marketing, fundraising, treatment, operations, transactional)");
      }
    }
    if (purposes.isEmpty()) {
      purposes = EnumSet.allOf(Purpose.class);
    }
    long v = changes.write(p, new ChangeRecord.SuppressionRemoved(t.id(), address, purposes));
    Json.send(ctx, 200, Json.object().put("version", v));
  }

  /** Reads the upload (bounded), then imports it on the import executor; 202 with the job. */
  private void startImport(Context ctx, Principal p) throws IOException {
    var t = tenants.existing(ctx, p);
    String format = formatOf(ctx);
    byte[] content = readBounded(ctx.bodyInputStream());
    if (content.length == 0) {
      throw ApiProblem.badField("body", "the import file is empty");
    }
    String id = UUID.randomUUID().toString();
    jobs.create(id, t.id());
    try {
      importExecutor.execute(() -> {
        try {
          long version = changes.write(p, new ChangeRecord.ConsentImport(t.id(), id, format, content));
          jobs.logged(id, version);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          jobs.failed(id);
        } catch (RuntimeException e) {
          LOG.error("consent import {} failed: {}", id, e.toString());
          jobs.failed(id);
        }
      });
    } catch (RejectedExecutionException e) {
      jobs.failed(id);
      throw ApiProblem.unavailable("the import queue is full");
    }
    ctx.header("Location", "/api/v1/tenants/" + t.id().value() + "/consent/imports/" + id);
    Json.send(ctx, 202, job(jobs.find(id).orElseThrow()));
  }

  private String formatOf(Context ctx) {
    String q = ctx.queryParam("format");
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    String f = q != null ? q.toLowerCase(Locale.ROOT) : type.startsWith("text/csv") ? "csv"
        : type.startsWith("application/x-ndjson") ? "ndjson" : "";
    if (!f.equals("csv") && !f.equals("ndjson")) {
      throw ApiProblem.badField("format", "must be csv or ndjson (query parameter, or Content-Type text/csv or application/x-ndjson)");
    }
    return f;
  }

  private byte[] readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (out.size() + n > maxImportBytes) {
        throw ApiProblem.tooLarge("An import file may have at most " + maxImportBytes + " bytes (admin.maxImportSize).");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private void job(Context ctx, Principal p) {
    var t = tenants.existing(ctx, p);
    ImportJobs.Job j = jobs.find(ctx.pathParam("job")).filter(x -> x.tenant().equals(t.id()))
        .orElseThrow(() -> ApiProblem.notFound("import job"));
    Json.send(ctx, 200, job(j));
  }

  static ObjectNode job(ImportJobs.Job j) {
    ObjectNode o = Json.object().put("id", j.id()).put("tenant", j.tenant().value())
        .put("state", j.state().name().toLowerCase(Locale.ROOT)).put("phase", j.phase()).put("rows", j.rows())
        .put("started", j.started().toString());
    j.version().ifPresent(v -> o.put("version", v));
    j.result().ifPresent(r -> {
      ObjectNode res = o.putObject("report").put("imported", r.imported()).put("rows", r.rows()).put("written", r.written())
          .put("keptRevoked", r.keptRevoked()).put("errorCount", r.errorCount());
      ArrayNode errs = res.putArray("errors");
      r.errors().forEach(e -> errs.add(Json.object().put("line", e.line()).put("reason", e.reason())));
    });
    return o;
  }
}
