package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * The protections an operator lifts through the admin API of a running relay: an SMTP AUTH
 * lock-out produced by real failed logins from 127.0.0.5 is listed (user name only as a token),
 * cleared, and the tenant then logs in from that address; a hard-bounce breaker tripped by a real
 * receiver answering 550 5.1.1 to everyone is listed and reset. Both clears are {@code admin.change}
 * audit records; both routes answer 401 without a token and 403 to the auditor role.
 */
class OperatorProtectionsIT {
  @TempDir Path dir;

  record Running(Relay relay, AdminHttp api, String admin, String operator, String auditor) {}

  private Running start(String deliveryYaml) throws Exception {
    Path config = TestRelays.write(dir, TestRelays.freePort(), "transactional", "", deliveryYaml, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    AdminTokens tokens = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC());
    return new Running(relay, new AdminHttp(relay.listeners().get("admin")),
        AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8)),
        tokens.create(Role.OPERATOR, Optional.empty()).token(), tokens.create(Role.AUDITOR, Optional.empty()).token());
  }

  private static int login(Relay relay, String from, String password) throws Exception {
    InetSocketAddress at = relay.listeners().get("submission");
    try (SmtpTestClient c = SmtpTestClient.connectFrom(from, new InetSocketAddress("127.0.0.1", at.getPort()))) {
      return c.startTlsAndLogin("esp.test", TestRelays.USER, password).code();
    }
  }

  @Test
  void aLockOutFromFailedLogins_isListedWithoutTheUserName_clearedByAnOperator_andTheTenantLogsInAgain() throws Exception {
    Running r = start("delivery:\n  enabled: false\n");
    try (Relay relay = r.relay()) {
      AdminHttp api = r.api();
      assertThat(api.call("GET", "/api/v1/auth/lockouts", r.operator(), null).json().get("lockouts")).isEmpty();
      int failed = 0;
      int code = 0;
      while (failed < 20 && (code = login(relay, "127.0.0.5", "wrong-" + failed)) == 535) {
        failed++;
      }
      assertThat(code).as("locked after %d failures", failed).isEqualTo(454);
      assertThat(login(relay, "127.0.0.5", TestRelays.PASSWORD)).as("even the right password").isEqualTo(454);
      assertThat(login(relay, "127.0.0.1", TestRelays.PASSWORD)).as("the tenant's own address").isEqualTo(235);

      AdminHttp.Reply listed = api.call("GET", "/api/v1/auth/lockouts", r.operator(), null);
      assertThat(listed.status()).isEqualTo(200);
      assertThat(listed.body()).doesNotContain(TestRelays.USER);
      JsonNode lock = listed.json().get("lockouts").get(0);
      assertThat(listed.json().get("lockouts")).hasSize(1);
      assertThat(lock.get("scope").asText()).isEqualTo("user-at-client-address");
      assertThat(lock.get("clientAddress").asText()).isEqualTo("127.0.0.5");
      assertThat(lock.get("userToken").asText()).isNotBlank();
      assertThat(lock.get("failures").asInt()).isEqualTo(failed);

      for (String[] route : new String[][] {{"GET", "/api/v1/auth/lockouts"}, {"DELETE", "/api/v1/auth/lockouts/127.0.0.5"}}) {
        assertThat(api.call(route[0], route[1], null, null).status()).as("%s no token", route[1]).isEqualTo(401);
        assertThat(api.call(route[0], route[1], r.auditor(), null).status()).as("%s auditor", route[1]).isEqualTo(403);
      }
      AdminHttp.Reply bad = api.call("DELETE", "/api/v1/auth/lockouts/not-an-address", r.operator(), null);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("field").asText()).isEqualTo("address");
      assertThat(api.call("DELETE", "/api/v1/auth/lockouts/127.0.0.9", r.operator(), null).status()).isEqualTo(404);

      AdminHttp.Reply cleared = api.call("DELETE", "/api/v1/auth/lockouts/127.0.0.5", r.operator(), null);
      assertThat(cleared.status()).isEqualTo(200);
      assertThat(cleared.json().get("lifted").asInt()).isEqualTo(1);
      assertThat(api.call("GET", "/api/v1/auth/lockouts", r.admin(), null).json().get("lockouts")).isEmpty();
      assertThat(login(relay, "127.0.0.5", TestRelays.PASSWORD)).as("after the clear").isEqualTo(235);

      JsonNode changes = api.call("GET", "/api/v1/audit?type=admin.change", r.auditor(), null).json().get("records");
      assertThat(changes.toString()).contains("auth.lockout.cleared").contains("127.0.0.5").doesNotContain(TestRelays.USER);
    }
  }

  @Test
  void aTrippedBounceBreaker_isListed_andResetByAnOperator() throws Exception {
    TestCa ca = TestCa.create("breaker-ca");
    try (Receiver rejecting = Receiver.start(dir, "127.0.0.4", Optional.of(ca.issue("mx.mass.test")), "reject-rcpt:@")) {
      Running r = start(TestRelays.delivery(Ports.freeUdp("127.0.0.1"), "mass.test: \"[127.0.0.4]:" + rejecting.port() + "\"", ""));
      try (Relay relay = r.relay()) {
        AdminHttp api = r.api();
        assertThat(api.call("GET", "/api/v1/bounce-breaker", r.operator(), null).json().get("tripped")).isEmpty();
        List<String> rcpts = IntStream.range(0, 15).mapToObj(i -> "r" + i + "@mass.test").toList();
        assertThat(BounceClassificationIT.send(relay, rcpts)).isEqualTo(250);
        BounceClassificationIT.await(() -> {
          try {
            return api.call("GET", "/api/v1/bounce-breaker", r.operator(), null).json().get("tripped").size() == 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }, "the breaker of mass.test to trip");
        assertThat(api.call("GET", "/api/v1/bounce-breaker", r.operator(), null).json().get("tripped").get(0).asText())
            .isEqualTo("mass.test");

        for (String[] route : new String[][] {{"GET", "/api/v1/bounce-breaker"}, {"DELETE", "/api/v1/bounce-breaker/mass.test"}}) {
          assertThat(api.call(route[0], route[1], null, null).status()).as("%s no token", route[1]).isEqualTo(401);
          assertThat(api.call(route[0], route[1], r.auditor(), null).status()).as("%s auditor", route[1]).isEqualTo(403);
        }
        assertThat(api.call("DELETE", "/api/v1/bounce-breaker/MASS.test", r.operator(), null).status()).isEqualTo(200);
        assertThat(api.call("GET", "/api/v1/bounce-breaker", r.admin(), null).json().get("tripped")).isEmpty();
        assertThat(relay.hardBounces().orElseThrow().trippedDomains()).isEmpty();
        assertThat(api.call("DELETE", "/api/v1/bounce-breaker/mass.test", r.operator(), null).status())
            .as("no longer tripped").isEqualTo(404);
        assertThat(api.call("DELETE", "/api/v1/bounce-breaker/bad_domain!", r.operator(), null).status()).isEqualTo(400);
        JsonNode changes = api.call("GET", "/api/v1/audit?type=admin.change", r.auditor(), null).json().get("records");
        assertThat(changes.toString()).contains("bounce-breaker.reset").contains("mass.test");
      }
    }
  }
}
