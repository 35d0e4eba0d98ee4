package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.TestCa;

/**
 * Destination TLS policy through the admin API of a running relay. A real receiver at
 * {@code mx.strict.test} (found through a test dnsmasq) presents a certificate from a CA the relay
 * does not trust: with the operator's {@code verify} policy for {@code strict.test} the message is
 * deferred with a TLS reason and never reaches it; the policy survives a restart of the relay on
 * the same data directory; cleared through {@code mailwardctl}, the next attempt delivers at the
 * tenant's {@code encrypt} level. The domain view shows the policy, the route, the MX host and the
 * last outcome. The routes refuse a missing token, the wrong role, a tenant-scoped token and a bad
 * body (naming the field), and every change is an {@code admin.change} audit record.
 */
class DomainTlsPolicyIT {
  private static final String DOMAIN = "strict.test";
  @TempDir Path dir;

  record Running(Relay relay, AdminHttp api) {}

  private Running start(Path config, ByteArrayOutputStream printed) throws Exception {
    var cfg = new ConfigLoader().load(config, Map.of());
    Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    return new Running(relay, new AdminHttp(relay.listeners().get("admin")));
  }

  private String token(Role role, Optional<TenantId> tenant) throws Exception {
    return new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC()).create(role, tenant).token();
  }

  static OperatorProtectionsIT.Run ctl(Relay relay, String token, String... args) {
    return OperatorProtectionsIT.ctl(relay, token, args);
  }

  /** The recipients of {@code strict.test} in the deferred queue, with their attempts and last reply. */
  private static List<JsonNode> deferred(AdminHttp api, String token) throws Exception {
    JsonNode messages = api.call("GET", "/api/v1/queue?state=deferred&domain=" + DOMAIN, token, null).json().get("messages");
    return StreamSupport.stream(messages.spliterator(), false)
        .flatMap(m -> StreamSupport.stream(m.get("recipients").spliterator(), false)).toList();
  }

  private static int attempts(AdminHttp api, String token) throws Exception {
    return deferred(api, token).stream().mapToInt(r -> r.get("attempts").asInt()).max().orElse(0);
  }

  private static void await(Check c, String what) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (!c.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @FunctionalInterface
  interface Check {
    boolean ok() throws Exception;
  }

  @Test
  void aVerifyPolicy_defersMailToAnUnverifiableReceiver_survivesARestart_andClearingItLetsTheMailThrough() throws Exception {
    TestCa trusted = TestCa.create("trusted-ca");
    TestCa rogue = TestCa.create("rogue-ca");
    Path trustedPem = trusted.writeCaPem(dir.resolve("trusted-ca.pem"));
    int dnsPort = Ports.freeUdp("127.0.0.1");
    try (Receiver receiver = Receiver.start(dir, "127.0.0.7", Optional.of(rogue.issue("mx.strict.test")), "ok");
        Dnsmasq dns = Dnsmasq.start(dir, dnsPort, List.of("--host-record=mx.strict.test,127.0.0.7"))) {
      Path config = TestRelays.write(dir, TestRelays.freePort(), "transactional", "",
          TestRelays.deliveryVia(dnsPort, DOMAIN, "mx.strict.test", receiver.port(), trustedPem), "");
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      Running first = start(config, printed);
      String admin = AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8));
      String operator = token(Role.OPERATOR, Optional.empty());
      String auditor = token(Role.AUDITOR, Optional.empty());
      int attemptsBeforeRestart;
      try (Relay relay = first.relay()) {
        AdminHttp api = first.api();
        AdminHttp.Reply set = api.call("PUT", "/api/v1/domains/Strict.Test/tls-policy", operator,
            "{\"level\":\"verify\",\"note\":\"partner contract requires a verified certificate\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("domain").asText()).isEqualTo(DOMAIN);
        assertThat(set.json().get("level").asText()).isEqualTo("verify");

        assertThat(BounceClassificationIT.send(relay, List.of("pat@strict.test"))).isEqualTo(250);
        await(() -> attempts(api, admin) >= 1, "a deferred attempt at level verify");
        JsonNode rcpt = deferred(api, admin).get(0);
        assertThat(rcpt.get("lastReply").asText()).contains("4.7.5");
        assertThat(receiver.messages()).as("nothing over an unverified session").isEmpty();

        JsonNode view = api.call("GET", "/api/v1/domains/" + DOMAIN, auditor, null).json();
        assertThat(view.get("tlsPolicy").get("level").asText()).isEqualTo("verify");
        assertThat(view.get("delivery").asText()).isEqualTo("on");
        assertThat(view.get("route").asText()).isEqualTo("override [mx.strict.test]:" + receiver.port());
        assertThat(view.get("mx").get(0).get("name").asText()).isEqualTo("mx.strict.test");
        assertThat(view.get("mx").get(0).get("addresses").get(0).asText()).isEqualTo("127.0.0.7:" + receiver.port());
        assertThat(view.get("lastOutcome").get("result").asText()).isEqualTo("deferred");
        assertThat(view.get("lastOutcome").get("reason").asText()).startsWith("tls-verify-failed");
        assertThat(view.get("dane").get("state").asText()).isEqualTo("off");
        assertThat(view.get("mtaSts").isNull()).isTrue();
        assertThat(view.get("bounceBreaker").get("tripped").asBoolean()).isFalse();
        assertThat(view.get("throttle").get("pausedUntil").isNull()).isTrue();
        attemptsBeforeRestart = attempts(api, admin);
      }

      Running second = start(config, new ByteArrayOutputStream());
      try (Relay relay = second.relay()) {
        AdminHttp api = second.api();
        JsonNode view = api.call("GET", "/api/v1/domains/" + DOMAIN, operator, null).json();
        assertThat(view.get("tlsPolicy").get("level").asText()).as("replayed from the control-plane log").isEqualTo("verify");
        assertThat(api.call("POST", "/api/v1/queue/retry?domain=" + DOMAIN, operator, null).status()).isEqualTo(200);
        await(() -> attempts(api, admin) > attemptsBeforeRestart, "an attempt after the restart");
        assertThat(receiver.messages()).as("still held back after the restart").isEmpty();

        OperatorProtectionsIT.Run table = ctl(relay, operator, "domain");
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("strict.test").contains("verify");
        OperatorProtectionsIT.Run shown = ctl(relay, operator, "domain", "show", DOMAIN);
        assertThat(shown.code()).isZero();
        assertThat(shown.out()).contains("verify (floor)").contains("mx.strict.test").contains("last outcome:   deferred");

        OperatorProtectionsIT.Run cleared = ctl(relay, operator, "domain", "tls-policy", "clear", DOMAIN);
        assertThat(cleared.code()).as(cleared.out()).isZero();
        assertThat(api.call("POST", "/api/v1/queue/retry?domain=" + DOMAIN, operator, null).status()).isEqualTo(200);
        await(() -> receiver.messages().size() == 1, "delivery at the tenant's encrypt level once the policy is cleared");
        await(() -> deferred(api, admin).isEmpty(), "the queue to empty");
        assertThat(api.call("GET", "/api/v1/domains/" + DOMAIN, operator, null).json().get("lastOutcome").get("result").asText())
            .isEqualTo("delivered");
        assertThat(ctl(relay, operator, "domain", "tls-policy", "clear", DOMAIN).code()).as("nothing to clear: 404").isEqualTo(3);

        JsonNode changes = api.call("GET", "/api/v1/audit?type=admin.change", auditor, null).json().get("records");
        assertThat(changes.toString()).contains("domain.tls-policy.set").contains("domain.tls-policy.cleared")
            .contains("\"domain\":\"strict.test\"").contains("\"level\":\"verify\"").doesNotContain("pat@");
      }
    }
  }

  @Test
  void theDomainRoutes_refuseMissingTokens_wrongRoles_scopedTokens_andBadBodies_namingTheField() throws Exception {
    Path config = TestRelays.write(dir, TestRelays.freePort(), "");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Running r = start(config, printed);
    try (Relay relay = r.relay()) {
      AdminHttp api = r.api();
      String admin = AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8));
      String auditor = token(Role.AUDITOR, Optional.empty());
      String compliance = token(Role.COMPLIANCE, Optional.empty());
      String scoped = token(Role.ADMIN, Optional.of(new TenantId("clinic")));
      String path = "/api/v1/domains/dest.test/tls-policy";
      String verify = "{\"level\":\"verify\"}";

      for (String[] route : new String[][] {{"GET", "/api/v1/domains"}, {"GET", "/api/v1/domains/dest.test"}, {"PUT", path},
          {"DELETE", path}}) {
        String body = route[0].equals("PUT") ? verify : null;
        assertThat(api.call(route[0], route[1], null, body).status()).as("%s %s without a token", route[0], route[1]).isEqualTo(401);
        assertThat(api.call(route[0], route[1], compliance, body).status()).as("%s %s compliance", route[0], route[1])
            .isEqualTo(403);
        assertThat(api.call(route[0], route[1], scoped, body).status()).as("%s %s tenant-scoped", route[0], route[1])
            .isEqualTo(403);
      }
      assertThat(api.call("PUT", path, auditor, verify).status()).as("the auditor reads only").isEqualTo(403);
      assertThat(api.call("GET", "/api/v1/domains/dest.test", auditor, null).status()).isEqualTo(200);
      assertThat(api.call("DELETE", path, admin, null).status()).as("no policy yet").isEqualTo(404);

      String[][] bad = {
          {"{\"level\":\"portal\"}", "level"},
          {"{\"level\":\"plaintext\"}", "level"},
          {"{}", "level"},
          {"{\"level\":\"verify\",\"exception\":true,\"note\":\"x\"}", "exception"},
          {"{\"level\":\"encrypt\",\"exception\":true}", "note"},
          {"{\"level\":\"encrypt\",\"exception\":\"yes\",\"note\":\"x\"}", "exception"},
          {"{\"level\":\"verify\",\"lvl\":\"dane\"}", "lvl"},
          {"[1]", "body"}};
      for (String[] b : bad) {
        AdminHttp.Reply reply = api.call("PUT", path, admin, b[0]);
        assertThat(reply.status()).as(b[0]).isEqualTo(400);
        assertThat(reply.json().get("field").asText()).as(b[0]).isEqualTo(b[1]);
      }
      AdminHttp.Reply badDomain = api.call("PUT", "/api/v1/domains/not_a_domain!/tls-policy", admin, verify);
      assertThat(badDomain.status()).isEqualTo(400);
      assertThat(badDomain.json().get("field").asText()).isEqualTo("domain");

      AdminHttp.Reply exception = api.call("PUT", path, admin,
          "{\"level\":\"encrypt\",\"exception\":true,\"note\":\"their MTA-STS names a retired MX\"}");
      assertThat(exception.status()).as(exception.body()).isEqualTo(200);
      JsonNode view = api.call("GET", "/api/v1/domains/dest.test", auditor, null).json();
      assertThat(view.get("tlsPolicy").get("exception").asBoolean()).isTrue();
      assertThat(view.get("delivery").asText()).as("this relay runs no delivery").isEqualTo("off");
      OperatorProtectionsIT.Run set = ctl(relay, admin, "--json", "domain", "tls-policy", "set", "dest.test", "dane");
      assertThat(set.code()).isZero();
      assertThat(set.out()).contains("\"level\":\"dane\"");
      assertThat(ctl(relay, admin, "domain", "tls-policy", "set", "dest.test", "portal").code()).as("400").isEqualTo(3);
      assertThat(api.call("GET", "/api/v1/domains", auditor, null).json().get("tlsPolicies").get(0).get("level").asText())
          .isEqualTo("dane");
    }
  }
}
