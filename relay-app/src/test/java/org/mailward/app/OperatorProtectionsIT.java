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
import org.mailward.admin.cli.Mailwardctl;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * The protections an operator lifts through the admin API of a running relay: an SMTP AUTH
 * lock-out produced by real failed logins from 127.0.0.5 and 127.0.0.6 is listed (user name only
 * as a token), cleared through the API and through mailwardctl, and the tenant then logs in from
 * those addresses; a hard-bounce breaker tripped by a real receiver answering 550 5.1.1 to
 * everyone is listed (API, mailwardctl table and --json) and reset. Both clears are {@code admin.change}
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

  record Run(int code, String out) {}

  /** Runs mailwardctl against the relay's admin listener; its exit code and standard output. */
  static Run ctl(Relay relay, String token, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("--url", "http://127.0.0.1:" + relay.listeners().get("admin").getPort(),
        "--token", token));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Mailwardctl.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), all.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8));
  }

  /** Fails AUTH as the tenant from {@code from} until the relay answers 454; how many 535s it took. */
  private static int lockOut(Relay relay, String from) throws Exception {
    int failed = 0;
    int code = 0;
    while (failed < 20 && (code = login(relay, from, "wrong-" + failed)) == 535) {
      failed++;
    }
    assertThat(code).as("%s locked after %d failures", from, failed).isEqualTo(454);
    return failed;
  }

  @Test
  void aLockOutFromFailedLogins_isListedWithoutTheUserName_clearedByAnOperator_andTheTenantLogsInAgain() throws Exception {
    Running r = start("delivery:\n  enabled: false\n");
    try (Relay relay = r.relay()) {
      AdminHttp api = r.api();
      assertThat(api.call("GET", "/api/v1/auth/lockouts", r.operator(), null).json().get("lockouts")).isEmpty();
      int failed = lockOut(relay, "127.0.0.5");
      lockOut(relay, "127.0.0.6");
      assertThat(login(relay, "127.0.0.5", TestRelays.PASSWORD)).as("even the right password").isEqualTo(454);
      assertThat(login(relay, "127.0.0.1", TestRelays.PASSWORD)).as("the tenant's own address").isEqualTo(235);

      AdminHttp.Reply listed = api.call("GET", "/api/v1/auth/lockouts", r.operator(), null);
      assertThat(listed.status()).isEqualTo(200);
      assertThat(listed.body()).doesNotContain(TestRelays.USER);
      assertThat(listed.json().get("lockouts")).extracting(l -> l.get("clientAddress").asText())
          .containsExactlyInAnyOrder("127.0.0.5", "127.0.0.6");
      JsonNode lock = java.util.stream.StreamSupport.stream(listed.json().get("lockouts").spliterator(), false)
          .filter(l -> l.get("clientAddress").asText().equals("127.0.0.5")).findFirst().orElseThrow();
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
      assertThat(login(relay, "127.0.0.5", TestRelays.PASSWORD)).as("after the clear").isEqualTo(235);

      Run table = ctl(relay, r.operator(), "lockouts");
      assertThat(table.code()).isZero();
      assertThat(table.out()).contains("CLIENT").contains("127.0.0.6").contains("user-at-client-address")
          .doesNotContain("127.0.0.5").doesNotContain(TestRelays.USER);
      Run cleared6 = ctl(relay, r.operator(), "--json", "lockouts", "clear", "127.0.0.6");
      assertThat(cleared6.code()).isZero();
      assertThat(cleared6.out()).contains("\"lifted\":1");
      assertThat(ctl(relay, r.operator(), "lockouts", "clear", "127.0.0.6").code()).as("nothing left: 404").isEqualTo(3);
      assertThat(ctl(relay, r.auditor(), "lockouts").code()).as("auditor: 403").isEqualTo(4);
      assertThat(api.call("GET", "/api/v1/auth/lockouts", r.admin(), null).json().get("lockouts")).isEmpty();
      assertThat(login(relay, "127.0.0.6", TestRelays.PASSWORD)).as("after mailwardctl's clear").isEqualTo(235);

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
        Run table = ctl(relay, r.operator(), "breaker");
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("TRIPPED-DOMAIN").contains("mass.test");
        assertThat(ctl(relay, r.operator(), "--json", "breaker").out()).contains("\"tripped\":[\"mass.test\"]");

        for (String[] route : new String[][] {{"GET", "/api/v1/bounce-breaker"}, {"DELETE", "/api/v1/bounce-breaker/mass.test"}}) {
          assertThat(api.call(route[0], route[1], null, null).status()).as("%s no token", route[1]).isEqualTo(401);
          assertThat(api.call(route[0], route[1], r.auditor(), null).status()).as("%s auditor", route[1]).isEqualTo(403);
        }
        assertThat(api.call("DELETE", "/api/v1/bounce-breaker/MASS.test", r.operator(), null).status()).isEqualTo(200);
        assertThat(api.call("GET", "/api/v1/bounce-breaker", r.admin(), null).json().get("tripped")).isEmpty();
        assertThat(relay.hardBounces().orElseThrow().trippedDomains()).isEmpty();
        assertThat(api.call("DELETE", "/api/v1/bounce-breaker/mass.test", r.operator(), null).status())
            .as("no longer tripped").isEqualTo(404);
        assertThat(ctl(relay, r.operator(), "breaker", "reset", "mass.test").code()).as("404 through mailwardctl").isEqualTo(3);
        assertThat(ctl(relay, r.operator(), "breaker").out()).doesNotContain("mass.test");
        assertThat(api.call("DELETE", "/api/v1/bounce-breaker/bad_domain!", r.operator(), null).status()).isEqualTo(400);
        JsonNode changes = api.call("GET", "/api/v1/audit?type=admin.change", r.auditor(), null).json().get("records");
        assertThat(changes.toString()).contains("bounce-breaker.reset").contains("mass.test");
      }
    }
  }
}
