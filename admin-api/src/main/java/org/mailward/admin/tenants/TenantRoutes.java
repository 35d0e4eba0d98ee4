package org.mailward.admin.tenants;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.controlplane.Changes;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Body;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.api.ChangeRecord;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;

/**
 * {@code /api/v1/tenants}: create, read, update, disable and enable tenants; issue and revoke their
 * SMTP credentials (the password is generated here, shown once in the response, and only its PHC
 * hash is logged and kept). Tenants from the configuration file are listed but not changed here.
 */
public final class TenantRoutes {
  static final Set<Role> READ = Set.of(Role.ADMIN, Role.OPERATOR);
  static final Set<Role> WRITE = Set.of(Role.ADMIN);
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final TenantRegistry registry;
  private final Changes changes;
  private final Function<char[], String> passwordHasher;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** @param passwordHasher makes the PHC hash the inbound server verifies (Argon2id in production) */
  public TenantRoutes(TenantRegistry registry, Changes changes, Function<char[], String> passwordHasher, Clock clock) {
    this.registry = registry;
    this.changes = changes;
    this.passwordHasher = passwordHasher;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/tenants", READ, this::list),
        Route.post("/api/v1/tenants", WRITE, this::create),
        Route.get("/api/v1/tenants/{tenant}", READ, (ctx, p) -> Json.send(ctx, 200, json(existing(ctx, p)))),
        Route.put("/api/v1/tenants/{tenant}", WRITE, this::update),
        Route.post("/api/v1/tenants/{tenant}/disable", WRITE, (ctx, p) -> enable(ctx, p, false)),
        Route.post("/api/v1/tenants/{tenant}/enable", WRITE, (ctx, p) -> enable(ctx, p, true)),
        Route.get("/api/v1/tenants/{tenant}/credentials", READ, (ctx, p) -> Json.send(ctx, 200, credentials(existing(ctx, p)))),
        Route.post("/api/v1/tenants/{tenant}/credentials", WRITE, this::issue),
        Route.delete("/api/v1/tenants/{tenant}/credentials/{credential}", WRITE, this::revoke));
  }

  /** The tenant named in the path, visible to the caller; 404 otherwise (also for another tenant's scoped token). */
  public TenantRegistry.TenantState existing(Context ctx, Principal p) {
    TenantId id = tenantId(ctx);
    p.requireTenant(id);
    return registry.state(id).orElseThrow(() -> ApiProblem.notFound("tenant"));
  }

  static TenantId tenantId(Context ctx) {
    try {
      return new TenantId(ctx.pathParam("tenant"));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound("tenant");
    }
  }

  private void list(Context ctx, Principal p) {
    ArrayNode a = Json.array();
    registry.all().stream().filter(s -> p.sees(s.id())).forEach(s -> a.add(json(s)));
    Json.send(ctx, 200, Json.object().set("tenants", a));
  }

  private void create(Context ctx, Principal p) throws InterruptedException {
    Body b = Json.body(ctx).only("id", "senderDomains", "defaultPurpose", "securityLevel", "fallback", "maxRecipients",
        "maxMessageBytes", "maxConnections", "messagesPerSecond");
    TenantId id = b.parsed("id", TenantId::new, "1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit");
    p.requireTenant(id);
    ChangeRecord.TenantSaved saved = settings(b, id, null);
    if (registry.state(id).isPresent()) {
      throw ApiProblem.conflict("a tenant with this id exists");
    }
    changes.write(p, saved);
    ctx.header("Location", "/api/v1/tenants/" + id.value());
    Json.send(ctx, 201, json(registry.state(id).orElseThrow()));
  }

  private void update(Context ctx, Principal p) throws InterruptedException {
    TenantRegistry.TenantState s = existing(ctx, p);
    Body b = Json.body(ctx).only("senderDomains", "defaultPurpose", "securityLevel", "fallback", "maxRecipients",
        "maxMessageBytes", "maxConnections", "messagesPerSecond");
    ChangeRecord.TenantSaved saved = settings(b, s.id(), s);
    configuredGuard(s);
    changes.write(p, saved);
    Json.send(ctx, 200, json(registry.state(s.id()).orElseThrow()));
  }

  private void enable(Context ctx, Principal p, boolean on) throws InterruptedException {
    TenantRegistry.TenantState s = existing(ctx, p);
    configuredGuard(s);
    changes.write(p, new ChangeRecord.TenantEnabled(s.id(), on));
    Json.send(ctx, 200, json(registry.state(s.id()).orElseThrow()));
  }

  private void issue(Context ctx, Principal p) throws InterruptedException {
    TenantRegistry.TenantState s = existing(ctx, p);
    Body b = ctx.body().isBlank() ? null : Json.body(ctx).only("username");
    configuredGuard(s);
    byte[] idBytes = new byte[4];
    random.nextBytes(idBytes);
    String credentialId = HexFormat.of().formatHex(idBytes);
    String username = b == null ? s.id().value() + "-" + credentialId
        : b.optParsed("username", TenantRoutes::username, "1 to 64 printable ASCII characters without spaces")
            .orElse(s.id().value() + "-" + credentialId);
    if (registry.usernameTaken(username) || registry.byUsername(username).isPresent()) {
      throw ApiProblem.badField("username", "is already in use");
    }
    char[] password = new char[32];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    String shown = new String(password);
    String hash = passwordHasher.apply(password);
    changes.write(p, new ChangeRecord.CredentialIssued(s.id(), credentialId, username, hash, clock.instant()));
    ObjectNode o = Json.object().put("id", credentialId).put("username", username).put("password", shown)
        .put("note", "The password is shown once; Mailward keeps only its hash.");
    Json.send(ctx, 201, o);
  }

  private void revoke(Context ctx, Principal p) throws InterruptedException {
    TenantRegistry.TenantState s = existing(ctx, p);
    String credentialId = ctx.pathParam("credential");
    if (s.credentials().stream().noneMatch(c -> c.id().equals(credentialId))) {
      throw ApiProblem.notFound("credential");
    }
    configuredGuard(s);
    changes.write(p, new ChangeRecord.CredentialRevoked(s.id(), credentialId));
    ctx.status(204);
  }

  private static void configuredGuard(TenantRegistry.TenantState s) {
    if (s.configured()) {
      throw ApiProblem.conflict("this tenant is defined in the configuration file; change it there");
    }
  }

  static String username(String u) {
    if (u.length() > 64 || !u.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException();
    }
    return u;
  }

  /** The settings of a create or update; on update, absent fields keep their current value. */
  private static ChangeRecord.TenantSaved settings(Body b, TenantId id, TenantRegistry.TenantState current) {
    Set<String> domains = b.has("senderDomains") || current == null ? domains(b) : current.senderDomains();
    Purpose purpose = b.optParsed("defaultPurpose", Purpose::fromLabel, "one of marketing, fundraising, treatment, operations, transactional")
        .orElse(current == null ? Purpose.MARKETING : current.defaultPurpose());
    SecurityLevel level = b.optParsed("securityLevel", SecurityLevel::fromLabel, "one of encrypt, verify, dane, portal")
        .orElse(current == null ? SecurityLevel.ENCRYPT : current.defaultLevel());
    TlsFallback fallback = b.optParsed("fallback", v -> TlsFallback.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT)),
        "a TLS fallback (" + java.util.Arrays.toString(TlsFallback.values()).toLowerCase(java.util.Locale.ROOT) + ")")
        .orElse(current == null ? TlsFallback.DEFER : current.fallback());
    TenantLimits l = current == null ? new TenantLimits(1000, 50L << 20, 200, 0) : current.limits();
    TenantLimits limits = new TenantLimits((int) b.number("maxRecipients", 1, 100_000, l.maxRecipientsPerMessage()),
        b.number("maxMessageBytes", 1024, 1L << 40, l.maxMessageBytes()), (int) b.number("maxConnections", 1, 100_000,
            l.maxConnections()), b.decimal("messagesPerSecond", 0, l.messagesPerSecond()));
    return new ChangeRecord.TenantSaved(id, domains, limits, purpose, level, fallback);
  }

  private static Set<String> domains(Body b) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (String d : b.texts("senderDomains")) {
      String v = d.trim().toLowerCase(java.util.Locale.ROOT);
      if (!v.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
        throw ApiProblem.badField("senderDomains", "must list domain names such as clinic.example");
      }
      out.add(v);
    }
    return out;
  }

  static ObjectNode json(TenantRegistry.TenantState s) {
    ObjectNode o = Json.object().put("id", s.id().value()).put("enabled", s.enabled())
        .put("source", s.configured() ? "configuration" : "api").put("defaultPurpose", s.defaultPurpose().label())
        .put("securityLevel", s.defaultLevel().label()).put("fallback", s.fallback().name().toLowerCase(java.util.Locale.ROOT))
        .put("maxRecipients", s.limits().maxRecipientsPerMessage()).put("maxMessageBytes", s.limits().maxMessageBytes())
        .put("maxConnections", s.limits().maxConnections()).put("messagesPerSecond", s.limits().messagesPerSecond())
        .put("credentials", s.credentials().size());
    ArrayNode d = o.putArray("senderDomains");
    s.senderDomains().stream().sorted().forEach(d::add);
    return o;
  }

  private static ObjectNode credentials(TenantRegistry.TenantState s) {
    ArrayNode a = Json.array();
    for (TenantRegistry.Credential c : s.credentials()) {
      a.add(Json.object().put("id", c.id()).put("username", c.username()).put("issuedAt", c.issuedAt().toString()));
    }
    return (ObjectNode) Json.object().set("credentials", a);
  }
}
