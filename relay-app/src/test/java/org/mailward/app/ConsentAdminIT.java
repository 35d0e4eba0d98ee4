package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.SmtpTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent, suppressions and the audit journal through the admin API of a running relay while an
 * ESP's session stays open: an import job's rows count on the very next RCPT of that session; a
 * bad file imports nothing and names the line; grant, revoke, suppress and lift each change the
 * next RCPT; every change is an audit record without the address, the journal exports as NDJSON
 * and its chain verifies. The gate: 401, 403, 404 for another tenant, 400 naming the field.
 */
class ConsentAdminIT {
  @TempDir Path dir;

  @Test
  void consentChangedThroughTheApi_whileAClientSends_decidesTheVeryNextRcpt() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", "", "");
    var cfg = new ConfigLoader().load(config, Map.of());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
        SmtpTestClient c = SmtpTestClient.connect(relay.listeners().get("submission"))) {
      String admin = AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8));
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      AdminTokens tokens = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC());
      String compliance = tokens.create(Role.COMPLIANCE, Optional.empty()).token();
      String operator = tokens.create(Role.OPERATOR, Optional.empty()).token();
      String otherTenant = tokens.create(Role.COMPLIANCE, Optional.of(new TenantId("someone-else"))).token();

      c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD);
      assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<ann@patients.example>").text()).contains("consent.missing");

      LocalDate today = LocalDate.now();
      String good = "email,purposes,granted_at,expires_at,evidence\n"
          + "ann@patients.example,marketing," + today.minusDays(1) + "," + today.plusDays(300) + ",doc-1\n";
      JsonNode job = awaitJob(api, compliance, api.call("POST", "/api/v1/tenants/clinic/consent/imports?format=csv",
          compliance, good, "text/csv"));
      assertThat(job.get("state").asText()).isEqualTo("imported");
      assertThat(job.at("/report/written").asLong()).isEqualTo(1);
      assertThat(c.command("RCPT TO:<ann@patients.example>").code()).as("the very next RCPT").isEqualTo(250);

      String bad = good + "not-an-address,marketing," + today.minusDays(1) + ",,doc-3\n";
      JsonNode rejected = awaitJob(api, compliance, api.call("POST", "/api/v1/tenants/clinic/consent/imports",
          compliance, bad, "text/csv"));
      assertThat(rejected.get("state").asText()).isEqualTo("rejected");
      assertThat(rejected.at("/report/written").asLong()).isZero();
      assertThat(rejected.at("/report/errors/0/line").asLong()).isEqualTo(3);

      assertThat(api.call("DELETE", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance, null).status())
          .isEqualTo(200);
      assertThat(c.command("RCPT TO:<ann@patients.example>").text()).contains("consent.revoked");
      JsonNode looked = api.call("GET", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance, null).json();
      assertThat(looked.at("/authorization/state").asText()).isEqualTo("revoked");

      assertThat(api.call("PUT", "/api/v1/tenants/clinic/consent/bob@patients.example", compliance,
          "{\"purposes\":[\"marketing\"],\"evidence\":\"form-7\",\"expiresAt\":\"" + today.plusDays(30) + "\"}").status())
          .isEqualTo(200);
      var bobReply = c.command("RCPT TO:<bob@patients.example>");
      assertThat(bobReply.code()).as(bobReply.text()).isEqualTo(250);
      assertThat(api.call("POST", "/api/v1/tenants/clinic/suppressions", compliance,
          "{\"address\":\"bob@patients.example\",\"reason\":\"complaint\"}").status()).isEqualTo(201);
      assertThat(c.command("RCPT TO:<bob@patients.example>").text()).contains("suppression");
      JsonNode bobState = api.call("GET", "/api/v1/tenants/clinic/suppressions/bob@patients.example", compliance, null).json();
      assertThat(bobState.at("/suppressions/marketing/reason").asText()).isEqualTo("complaint");
      String bobToken = bobState.get("recipient").asText();
      assertThat(bobToken).matches("[0-9a-f]{16}");
      JsonNode complaints = api.call("GET", "/api/v1/tenants/clinic/suppressions?reason=complaint", compliance, null).json();
      assertThat(complaints.get("suppressions")).extracting(n -> n.get("recipient").asText()).containsExactly(bobToken);
      assertThat(api.call("GET", "/api/v1/tenants/clinic/suppressions?reason=unsubscribe", compliance, null).json()
          .get("suppressions")).isEmpty();
      AdminHttp.Reply consentExport = api.call("GET", "/api/v1/tenants/clinic/consent/export", compliance, null);
      assertThat(consentExport.body().lines().count()).as("ann (revoked) and bob").isEqualTo(2);
      assertThat(consentExport.body()).contains(bobToken).contains("\"state\":\"revoked\"").doesNotContain("patients.example");
      assertThat(api.call("DELETE", "/api/v1/tenants/clinic/suppressions/bob@patients.example?purpose=marketing", compliance,
          null).status()).isEqualTo(200);
      assertThat(c.command("RCPT TO:<bob@patients.example>").code()).isEqualTo(250);

      // the gate on every consent route
      String[][] routes = {{"GET", "/api/v1/tenants/clinic/consent/ann@patients.example"},
          {"PUT", "/api/v1/tenants/clinic/consent/ann@patients.example"},
          {"DELETE", "/api/v1/tenants/clinic/consent/ann@patients.example"},
          {"POST", "/api/v1/tenants/clinic/consent/imports"}, {"GET", "/api/v1/tenants/clinic/consent/imports/x"},
          {"GET", "/api/v1/tenants/clinic/suppressions/ann@patients.example"}, {"POST", "/api/v1/tenants/clinic/suppressions"},
          {"GET", "/api/v1/tenants/clinic/suppressions"}, {"GET", "/api/v1/tenants/clinic/consent/export"},
          {"DELETE", "/api/v1/tenants/clinic/suppressions/ann@patients.example"}};
      for (String[] r : routes) {
        assertThat(api.call(r[0], r[1], null, null).status()).as("%s %s no token", r[0], r[1]).isEqualTo(401);
        assertThat(api.call(r[0], r[1], operator, "{}").status()).as("%s %s operator", r[0], r[1]).isEqualTo(403);
        assertThat(api.call(r[0], r[1], otherTenant, "{}").status()).as("%s %s other tenant", r[0], r[1]).isEqualTo(404);
      }
      assertThat(field(api.call("PUT", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance,
          "{\"purposes\":[\"spam\"],\"evidence\":\"x\"}"))).isEqualTo("purposes");
      assertThat(field(api.call("PUT", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance,
          "{\"purposes\":[\"marketing\"],\"expiresAt\":\"2099-01-01\"}"))).isEqualTo("evidence");
      assertThat(field(api.call("PUT", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance,
          "{\"purposes\":[\"marketing\"],\"evidence\":\"x\"}"))).isEqualTo("expiresAt");
      assertThat(field(api.call("PUT", "/api/v1/tenants/clinic/consent/not-an-address", compliance,
          "{\"purposes\":[\"marketing\"],\"evidence\":\"x\"}"))).isEqualTo("address");
      assertThat(field(api.call("POST", "/api/v1/tenants/clinic/suppressions", compliance,
          "{\"address\":\"bob@patients.example\",\"reason\":\"boredom\"}"))).isEqualTo("reason");
      assertThat(field(api.call("POST", "/api/v1/tenants/clinic/consent/imports", compliance, "a,b\n", "text/plain")))
          .isEqualTo("format");
      assertThat(field(api.call("GET", "/api/v1/tenants/clinic/suppressions?reason=bored", compliance, null))).isEqualTo("reason");
      assertThat(field(api.call("GET", "/api/v1/tenants/clinic/suppressions?limit=0", compliance, null))).isEqualTo("limit");

      // the audit journal: every change recorded by token id, no address; NDJSON export; chain intact
      String auditor = tokens.create(Role.AUDITOR, Optional.empty()).token();
      AdminHttp.Reply changes = api.call("GET", "/api/v1/audit?type=admin.change", auditor, null);
      assertThat(changes.status()).isEqualTo(200);
      assertThat(changes.json().get("records").size()).isEqualTo(6);
      assertThat(changes.body()).doesNotContain("patients.example").contains("consent.imported").contains("suppression.added");
      AdminHttp.Reply export = api.call("GET", "/api/v1/audit/export", auditor, null);
      assertThat(export.body().lines().count()).isGreaterThanOrEqualTo(changes.json().get("records").size());
      assertThat(export.body()).doesNotContain("patients.example");
      assertThat(api.call("POST", "/api/v1/audit/verify", auditor, null).json().get("intact").asBoolean()).isTrue();
      assertThat(api.call("GET", "/api/v1/audit", operator, null).status()).isEqualTo(403);
      assertThat(api.call("GET", "/api/v1/audit", null, null).status()).isEqualTo(401);
      assertThat(field(api.call("GET", "/api/v1/audit?from=yesterday", auditor, null))).isEqualTo("from");
      assertThat(field(api.call("GET", "/api/v1/audit?limit=0", auditor, null))).isEqualTo("limit");
      assertThat(field(api.call("GET", "/api/v1/audit?messageId=nope", auditor, null))).isEqualTo("messageId");
      assertThat(api.call("GET", "/api/v1/audit?type=admin.change", otherTenant, null).json().get("records")).isEmpty();
      assertThat(api.call("GET", "/readyz", null, null).json().get("status").asText()).isEqualTo("ready");
    }
  }

  private static String field(AdminHttp.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    return r.json().get("field").asText();
  }

  static JsonNode awaitJob(AdminHttp api, String token, AdminHttp.Reply started) throws Exception {
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String path = "/api/v1/tenants/clinic/consent/imports/" + started.json().get("id").asText();
    for (int i = 0; i < 600; i++) {
      JsonNode j = api.call("GET", path, token, null).json();
      String state = j.get("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("import job did not finish within 60 s");
  }
}
