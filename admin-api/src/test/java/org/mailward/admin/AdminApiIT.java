package org.mailward.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.admin.consent.ImportJobs;
import org.mailward.admin.controlplane.KeyValueControlPlaneLog;
import org.mailward.admin.health.HealthRoutes;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.admin.tenants.TenantRegistry;
import org.mailward.api.ConsentControl;
import org.mailward.api.EmailAddress;
import org.mailward.api.MessageId;
import org.mailward.api.QueueControl;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;
import org.mailward.queue.rocks.RocksKeyValueStore;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemoryQueueControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API on a real socket with the control-plane log on a real RocksDB store: the gate
 * (401, 403, 404 for another tenant, 400 naming the field, 429 after guessing), tenant and
 * credential changes applied to the live directory and replayed after a restart, their audit
 * records, and the OpenAPI document matching the route table both ways. Consent and audit
 * endpoints are exercised against a running relay in relay-app's AdminApiRelayIT.
 */
class AdminApiIT {
  @TempDir Path dir;
  private RocksKeyValueStore kv;
  private AdminApi api;
  private TenantRegistry registry;
  private MemoryAuditJournal audit;
  private AdminTokens tokens;
  private String base;
  private MemoryQueueControl queue;
  private final HttpClient http = HttpClient.newHttpClient();

  static final Tenant CONFIGURED = new Tenant(new TenantId("configured"), "cfg-user", "$pbkdf2-sha256$x", Set.of("cfg.example"),
      new TenantLimits(10, 1 << 20, 5, 0), Purpose.TRANSACTIONAL, SecurityLevel.ENCRYPT, TlsFallback.DEFER);

  @BeforeEach
  void start() {
    kv = RocksKeyValueStore.open(dir.resolve("kv"));
    tokens = new AdminTokens(dir.resolve("admin-tokens"), Clock.systemUTC());
    queue = new MemoryQueueControl(Instant.now());
    startApi(1000);
  }

  private void startApi(int maxTokenFailures) {
    audit = new MemoryAuditJournal();
    var log = new KeyValueControlPlaneLog(kv, Clock.systemUTC(),
        org.mailward.admin.controlplane.TestCodecs.sealing(dir.resolve("keys")));
    registry = new TenantRegistry(List.of(CONFIGURED));
    log.subscribe(0, registry);
    var ports = new AdminApi.Ports(log, registry, unusedConsent(), audit, new ImportJobs(Clock.systemUTC()),
        pw -> "$test$" + new String(pw), () -> Map.of("spool", new HealthRoutes.Check(true, "accepting")),
        Optional.of(queue), Optional.empty(), Optional.empty(), Optional.empty());
    api = new AdminApi(AdminServer.Settings.loopback(0), new AdminApi.Limits(1 << 20, maxTokenFailures, Duration.ofMinutes(1),
        Duration.ofMinutes(5)), tokens, ports, Clock.systemUTC());
    base = "http://127.0.0.1:" + api.start().getPort();
  }

  @AfterEach
  void stop() {
    api.close();
    kv.close();
  }

  private static ConsentControl unusedConsent() {
    return (ConsentControl) java.lang.reflect.Proxy.newProxyInstance(ConsentControl.class.getClassLoader(),
        new Class<?>[] {ConsentControl.class}, (p, m, a) -> {
          throw new UnsupportedOperationException("consent is exercised in relay-app's AdminApiRelayIT");
        });
  }

  record Reply(int status, JsonNode json, String contentType) {}

  private Reply call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode j = r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body());
    return new Reply(r.statusCode(), j, r.headers().firstValue("Content-Type").orElse(""));
  }

  private String token(Role role) {
    return tokens.create(role, Optional.empty()).token();
  }

  @Test
  void everyTenantRoute_answers401WithoutToken_403ForTheWrongRole_andProblemJson() throws Exception {
    String auditor = token(Role.AUDITOR);
    for (String[] r : new String[][] {{"GET", "/api/v1/tenants"}, {"POST", "/api/v1/tenants"}, {"GET", "/api/v1/tenants/x"},
        {"PUT", "/api/v1/tenants/x"}, {"POST", "/api/v1/tenants/x/disable"}, {"POST", "/api/v1/tenants/x/enable"},
        {"GET", "/api/v1/tenants/x/credentials"}, {"POST", "/api/v1/tenants/x/credentials"},
        {"DELETE", "/api/v1/tenants/x/credentials/c"}, {"GET", "/api/v1/tenants/x/consent/a@b.example"},
        {"POST", "/api/v1/tenants/x/consent/imports"}, {"POST", "/api/v1/tenants/x/suppressions"}}) {
      Reply none = call(r[0], r[1], null, null);
      assertThat(none.status()).as("%s %s without token", r[0], r[1]).isEqualTo(401);
      assertThat(none.contentType()).startsWith("application/problem+json");
      assertThat(call(r[0], r[1], "mwt_0000_nope", null).status()).as("%s %s bad token", r[0], r[1]).isEqualTo(401);
      assertThat(call(r[0], r[1], auditor, null).status()).as("%s %s as auditor", r[0], r[1]).isEqualTo(403);
    }
  }

  @Test
  void anAdminCreatesATenant_issuesAndRevokesCredentials_andTheLiveDirectoryFollows_acrossARestart() throws Exception {
    String admin = token(Role.ADMIN);
    Reply created = call("POST", "/api/v1/tenants", admin,
        "{\"id\":\"acme\",\"senderDomains\":[\"acme.example\"],\"defaultPurpose\":\"treatment\",\"maxRecipients\":50}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("defaultPurpose").asText()).isEqualTo("treatment");
    assertThat(created.json().get("maxRecipients").asInt()).isEqualTo(50);

    Reply c1 = call("POST", "/api/v1/tenants/acme/credentials", admin, null);
    Reply c2 = call("POST", "/api/v1/tenants/acme/credentials", admin, "{\"username\":\"acme-esp\"}");
    assertThat(c1.status()).isEqualTo(201);
    assertThat(c2.json().get("username").asText()).isEqualTo("acme-esp");
    String password = c2.json().get("password").asText();
    assertThat(password).hasSize(32);
    assertThat(registry.byUsername("acme-esp")).get().extracting(Tenant::passwordHash).isEqualTo("$test$" + password);
    assertThat(registry.byUsername(c1.json().get("username").asText())).isPresent();

    Reply listed = call("GET", "/api/v1/tenants/acme/credentials", admin, null);
    assertThat(listed.json().get("credentials")).hasSize(2);
    assertThat(listed.json().toString()).doesNotContain(password).doesNotContain("$test$");

    assertThat(call("DELETE", "/api/v1/tenants/acme/credentials/" + c1.json().get("id").asText(), admin, null).status())
        .isEqualTo(204);
    assertThat(registry.byUsername(c1.json().get("username").asText())).isEmpty();
    assertThat(registry.byUsername("acme-esp")).isPresent();

    assertThat(call("POST", "/api/v1/tenants/acme/disable", admin, null).json().get("enabled").asBoolean()).isFalse();
    assertThat(registry.byUsername("acme-esp")).isEmpty();
    assertThat(call("POST", "/api/v1/tenants/acme/enable", admin, null).status()).isEqualTo(200);
    assertThat(registry.byUsername("acme-esp")).isPresent();

    assertThat(audit.ofType("admin.change")).extracting(e -> e.facts().get("change")).containsExactly("tenant.saved",
        "credential.issued", "credential.issued", "credential.revoked", "tenant.enabled", "tenant.enabled");
    assertThat(audit.events().toString()).doesNotContain(password).doesNotContain(admin);

    // a restart rebuilds the directory from the log
    api.close();
    startApi(1000);
    assertThat(registry.byUsername("acme-esp")).get().extracting(Tenant::passwordHash).isEqualTo("$test$" + password);
    assertThat(registry.byUsername(c1.json().get("username").asText())).isEmpty();
    assertThat(registry.state(new TenantId("acme")).orElseThrow().limits().maxRecipientsPerMessage()).isEqualTo(50);
  }

  @Test
  void badBodies_areRefusedWith400NamingTheField() throws Exception {
    String admin = token(Role.ADMIN);
    assertThat(call("POST", "/api/v1/tenants", admin, "{\"id\":\"Bad Id\",\"senderDomains\":[\"a.example\"]}")
        .json().get("field").asText()).isEqualTo("id");
    assertThat(call("POST", "/api/v1/tenants", admin, "{\"id\":\"ok\"}").json().get("field").asText())
        .isEqualTo("senderDomains");
    assertThat(call("POST", "/api/v1/tenants", admin, "{\"id\":\"ok\",\"senderDomains\":[\"a.example\"],\"securityLevel\":\"x\"}")
        .json().get("field").asText()).isEqualTo("securityLevel");
    assertThat(call("POST", "/api/v1/tenants", admin, "{\"id\":\"ok\",\"senderDomains\":[\"a.example\"],\"colour\":1}")
        .json().get("field").asText()).isEqualTo("colour");
    Reply notJson = call("POST", "/api/v1/tenants", admin, "{nope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().get("field").asText()).isEqualTo("body");
    call("POST", "/api/v1/tenants", admin, "{\"id\":\"ok\",\"senderDomains\":[\"a.example\"]}");
    Reply badLimit = call("PUT", "/api/v1/tenants/ok", admin, "{\"maxRecipients\":0}");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.json().get("field").asText()).isEqualTo("maxRecipients");
    assertThat(call("POST", "/api/v1/tenants/ok/credentials", admin, "{\"username\":\"cfg-user\"}").json().get("field")
        .asText()).isEqualTo("username");
    assertThat(call("POST", "/api/v1/tenants", admin, "{\"id\":\"ok\",\"senderDomains\":[\"a.example\"]}").status())
        .isEqualTo(409);
    assertThat(call("POST", "/api/v1/tenants/configured/credentials", admin, null).status()).isEqualTo(409);
  }

  @Test
  void aTenantScopedToken_seesOnlyItsTenant_andGets404ForAnother() throws Exception {
    String admin = token(Role.ADMIN);
    call("POST", "/api/v1/tenants", admin, "{\"id\":\"one\",\"senderDomains\":[\"one.example\"]}");
    call("POST", "/api/v1/tenants", admin, "{\"id\":\"two\",\"senderDomains\":[\"two.example\"]}");
    String scoped = tokens.create(Role.ADMIN, Optional.of(new TenantId("one"))).token();
    assertThat(call("GET", "/api/v1/tenants", scoped, null).json().get("tenants")).extracting(n -> n.get("id").asText())
        .containsExactly("one");
    assertThat(call("GET", "/api/v1/tenants/one", scoped, null).status()).isEqualTo(200);
    for (String[] r : new String[][] {{"GET", "/api/v1/tenants/two"}, {"PUT", "/api/v1/tenants/two"},
        {"POST", "/api/v1/tenants/two/disable"}, {"GET", "/api/v1/tenants/two/credentials"},
        {"POST", "/api/v1/tenants/two/credentials"}, {"DELETE", "/api/v1/tenants/two/credentials/x"}}) {
      assertThat(call(r[0], r[1], scoped, "{}").status()).as("%s %s", r[0], r[1]).isEqualTo(404);
    }
    assertThat(call("GET", "/api/v1/tenants/nobody", admin, null).status()).isEqualTo(404);
  }

  @Test
  void guessingTokens_fromOneAddress_isThrottledWith429() throws Exception {
    api.close();
    startApi(5);
    for (int i = 0; i < 5; i++) {
      assertThat(call("GET", "/api/v1/tenants", "mwt_abc_guess" + i, null).status()).isEqualTo(401);
    }
    Reply locked = call("GET", "/api/v1/tenants", token(Role.ADMIN), null);
    assertThat(locked.status()).isEqualTo(429);
    assertThat(locked.json().get("type").asText()).endsWith("/throttled");
  }

  @Test
  void healthAndReadiness_needNoToken() throws Exception {
    assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
    Reply ready = call("GET", "/readyz", null, null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().at("/checks/spool/ok").asBoolean()).isTrue();
  }

  @Test
  void theOpenApiDocument_listsEveryRoute_andNoRouteThatDoesNotExist() throws Exception {
    Reply doc = call("GET", AdminApi.OPENAPI, null, null);
    assertThat(doc.json().get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> documented = new HashSet<>();
    doc.json().get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    Set<String> served = new HashSet<>();
    for (Route r : api.routes()) {
      served.add(r.method().name() + " " + r.path());
    }
    assertThat(documented).as("documented routes").containsExactlyInAnyOrderElementsOf(served);
    // and each documented secured route really answers (401, not 404)
    for (String d : documented) {
      String[] mp = d.split(" ", 2);
      String path = mp[1].replaceAll("\\{address}", "a@b.example").replaceAll("\\{[a-z]+}", "x");
      int status = call(mp[0], path, null, null).status();
      assertThat(status).as(d).isNotEqualTo(404).isNotEqualTo(405);
    }
  }

  private static QueueControl.QueuedMessage queued(String tenant, Instant arrived, String... addresses) {
    List<QueueControl.QueuedRecipient> rs = new java.util.ArrayList<>();
    for (int i = 0; i < addresses.length; i++) {
      EmailAddress a = EmailAddress.parse(addresses[i], false).orElseThrow();
      rs.add(new QueueControl.QueuedRecipient(i, a, a.domain(), QueueControl.QueueState.DEFERRED, 3,
          Optional.of(arrived.plusSeconds(3600)), Optional.of("451 4.7.1 try later")));
    }
    return new QueueControl.QueuedMessage(MessageId.generate(arrived.toEpochMilli(), new java.util.Random()),
        new TenantId(tenant), arrived, 2048, SecurityLevel.VERIFY, rs);
  }

  @Test
  void theQueue_isListedMaskedForOperators_unmaskedAndAuditedForAdmins_andShapedByDomainAndAge() throws Exception {
    Instant now = Instant.now();
    var old = queued("one", now.minus(Duration.ofHours(5)), "ann@slow.example", "bob@slow.example");
    var fresh = queued("two", now.minusSeconds(60), "cy@other.example");
    queue.add(old);
    queue.add(fresh);
    String operator = token(Role.OPERATOR);
    Reply masked = call("GET", "/api/v1/queue?state=deferred", operator, null);
    assertThat(masked.json().get("messages")).hasSize(2);
    assertThat(masked.json().toString()).contains("***@slow.example").doesNotContain("ann@").contains("451 4.7.1");
    assertThat(audit.ofType("admin.view")).isEmpty();

    String admin = token(Role.ADMIN);
    Reply full = call("GET", "/api/v1/queue/messages/" + old.id(), admin, null);
    assertThat(full.json().at("/recipients/0/address").asText()).isEqualTo("ann@slow.example");
    assertThat(audit.ofType("admin.view")).hasSize(1);
    assertThat(audit.ofType("admin.view").get(0).messageId()).contains(old.id());

    Reply shape = call("GET", "/api/v1/queue/shape?buckets=5m,1h,4h", operator, null);
    assertThat(shape.json().at("/destinations/0/domain").asText()).isEqualTo("slow.example");
    assertThat(shape.json().at("/destinations/0/counts").toString()).isEqualTo("[0,0,0,2]");
    assertThat(shape.json().at("/destinations/1/counts").toString()).isEqualTo("[1,0,0,0]");

    String scoped = tokens.create(Role.OPERATOR, Optional.of(new TenantId("two"))).token();
    assertThat(call("GET", "/api/v1/queue", scoped, null).json().get("messages")).extracting(n -> n.get("tenant").asText())
        .containsExactly("two");
    assertThat(call("GET", "/api/v1/queue/messages/" + old.id(), scoped, null).status()).isEqualTo(404);
    assertThat(call("POST", "/api/v1/queue/messages/" + old.id() + "/hold", scoped, null).status()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/queue", token(Role.AUDITOR), null).status()).isEqualTo(403);
    assertThat(call("GET", "/api/v1/queue", null, null).status()).isEqualTo(401);
    assertThat(call("GET", "/api/v1/queue?state=stuck", operator, null).json().get("field").asText()).isEqualTo("state");
    assertThat(call("GET", "/api/v1/queue?limit=0", operator, null).json().get("field").asText()).isEqualTo("limit");
    assertThat(call("GET", "/api/v1/queue/shape?buckets=1h,5m", operator, null).json().get("field").asText())
        .isEqualTo("buckets");
    assertThat(call("POST", "/api/v1/queue/retry?domain=bad_domain!", operator, null).json().get("field").asText())
        .isEqualTo("domain");
  }

  @Test
  void queueActions_doWhatTheySay_andAreAudited() throws Exception {
    Instant now = Instant.now();
    var m = queued("one", now.minus(Duration.ofHours(1)), "ann@slow.example", "bob@fast.example");
    var n = queued("one", now.minus(Duration.ofHours(1)), "cy@slow.example");
    queue.add(m);
    queue.add(n);
    String op = token(Role.OPERATOR);
    String path = "/api/v1/queue/messages/" + m.id();
    assertThat(call("POST", path + "/hold", op, null).json().get("recipients").asInt()).isEqualTo(2);
    assertThat(call("GET", "/api/v1/queue?state=held", op, null).json().get("messages")).hasSize(1);
    assertThat(call("POST", path + "/release", op, null).json().get("recipients").asInt()).isEqualTo(2);
    assertThat(call("GET", "/api/v1/queue?state=held", op, null).json().get("messages")).isEmpty();
    assertThat(call("POST", "/api/v1/queue/retry?domain=slow.example", op, null).json().get("recipients").asInt())
        .isEqualTo(2);
    assertThat(call("POST", "/api/v1/queue/retry", op, null).json().get("recipients").asInt()).isEqualTo(3);
    assertThat(call("POST", "/api/v1/queue/domains/slow.example/suspend", op, null).status()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/queue/suspended", op, null).json().get("domains").toString())
        .isEqualTo("[\"slow.example\"]");
    assertThat(call("POST", "/api/v1/queue/domains/slow.example/resume", op, null).status()).isEqualTo(200);
    assertThat(call("POST", path + "/bounce", op, null).json().get("recipients").asInt()).isEqualTo(2);
    assertThat(call("GET", path, op, null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/queue/messages/" + n.id(), op, null).json().get("recipients").asInt()).isEqualTo(1);
    assertThat(call("GET", "/api/v1/queue", op, null).json().get("messages")).isEmpty();
    assertThat(call("POST", "/api/v1/queue/messages/" + n.id() + "/hold", token(Role.COMPLIANCE), null).status())
        .isEqualTo(403);
    assertThat(audit.ofType("admin.queue")).extracting(e -> e.facts().get("action"))
        .containsExactly("hold", "release", "retry", "retry", "suspend", "resume", "bounce", "delete");
    assertThat(audit.events().toString()).doesNotContain("ann@").doesNotContain("bob@");
  }

  private String ctl(int expectedCode, String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    List<String> all = new java.util.ArrayList<>(List.of("--url", base, "--token", token(Role.OPERATOR)));
    all.addAll(List.of(args));
    int code = org.mailward.admin.cli.Mailwardctl.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true),
        all.toArray(String[]::new));
    assertThat(code).as(err.toString()).isEqualTo(expectedCode);
    return out.toString();
  }

  @Test
  void mailwardctlQueue_readsLikePostqueueAndQshape_andItsActionsWork() throws Exception {
    Instant now = Instant.now();
    var old = queued("one", now.minus(Duration.ofHours(5)), "ann@slow.example", "bob@slow.example");
    queue.add(old);
    queue.add(queued("two", now.minusSeconds(60), "cy@other.example"));
    String p = ctl(0, "queue");
    assertThat(p).startsWith("-Queue ID-").contains(old.id().toString()).contains("tenant=one level=verify")
        .contains("(451 4.7.1 try later)").contains("***@slow.example  deferred  attempts=3").doesNotContain("ann@")
        .contains("-- 4 Kbytes in 2 Requests.");
    String shape = ctl(0, "queue", "shape", "--buckets", "5m,1h,4h");
    assertThat(shape.lines().toList().get(0)).contains("T").contains("5").contains("60").contains("240").contains("240+");
    assertThat(shape).containsPattern("TOTAL +3 +1 +0 +0 +2").containsPattern("slow\\.example +2 +0 +0 +0 +2");
    assertThat(ctl(0, "queue", "hold", old.id().toString())).contains("hold: 2 recipient(s)");
    assertThat(ctl(0, "queue", "--state", "held")).contains(old.id().toString());
    assertThat(ctl(0, "queue", "retry", "--all")).contains("retry: 1 recipient(s)");
    assertThat(ctl(0, "queue", "delete", old.id().toString())).contains("delete: 2 recipient(s)");
    assertThat(ctl(3, "queue", "hold", old.id().toString())).isEmpty();
    assertThat(ctl(0, "--json", "queue", "suspended")).isEqualTo("{\"domains\":[]}\n");
  }
}
