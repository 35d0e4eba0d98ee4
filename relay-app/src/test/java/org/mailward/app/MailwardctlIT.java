package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.api.Spool;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mailwardctl against a running relay: tables by default and JSON with --json, tenants and
 * credentials, a consent import with its report, the policy dry-run (PHI in the body reports its
 * findings and the raised level, a clean message none, and nothing reaches the spool), the audit
 * journal, and the documented exit codes (1 negative answer, 3 refused request, 4 bad token, 5
 * unavailable).
 */
class MailwardctlIT {
  @TempDir Path dir;
  private Relay relay;
  private String url;
  private String admin;
  private AdminTokens tokens;

  @BeforeEach
  void start() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", """
            policy:
              phi:
                bodyLevel: verify
        """, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(printed, true, StandardCharsets.UTF_8));
    admin = AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8));
    url = "http://127.0.0.1:" + relay.listeners().get("admin").getPort();
    tokens = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private CtlRun ctl(String token, String... args) {
    return CtlRun.of(url, token, args);
  }

  @Test
  void tenantsCredentialsConsentAndAudit_fromTheCommandLine_withDocumentedExitCodes() throws Exception {
    CtlRun list = ctl(admin, "tenant", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("ID").contains("clinic").contains("configuration");
    JsonNode json = new ObjectMapper().readTree(ctl(admin, "--json", "tenant", "list").out());
    assertThat(json.get("tenants").get(0).get("id").asText()).isEqualTo("clinic");

    assertThat(ctl(admin, "tenant", "create", "acme", "--domain", "acme.example", "--purpose", "transactional").code()).isZero();
    CtlRun issued = ctl(admin, "credential", "issue", "acme", "--username", "acme-esp");
    assertThat(issued.code()).isZero();
    assertThat(issued.out()).containsPattern("password: [A-Za-z0-9]{32}");
    assertThat(ctl(admin, "credential", "list", "acme").out()).contains("acme-esp").doesNotContain("password");

    LocalDate today = LocalDate.now();
    Path good = dir.resolve("consent.csv");
    Files.writeString(good, "email,purposes,granted_at,expires_at,evidence\n"
        + "ann@patients.example,marketing," + today.minusDays(1) + "," + today.plusDays(300) + ",doc-1\n");
    CtlRun imported = ctl(admin, "consent", "import", "clinic", good.toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("imported, 1 rows, 1 written");
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "email,purposes,granted_at,expires_at,evidence\nnope,marketing," + today + ",,x\n");
    CtlRun rejected = ctl(admin, "consent", "import", "clinic", bad.toString());
    assertThat(rejected.code()).isEqualTo(1);
    assertThat(rejected.out()).contains("line 2:").contains("rejected");
    assertThat(ctl(admin, "consent", "show", "clinic", "ann@patients.example").out()).contains("authorization: valid for marketing");
    assertThat(ctl(admin, "suppression", "add", "clinic", "ann@patients.example", "--reason", "complaint").code()).isZero();
    assertThat(ctl(admin, "suppression", "show", "clinic", "ann@patients.example").out()).contains("complaint");
    assertThat(ctl(admin, "suppression", "list", "clinic", "--reason", "complaint").out()).containsPattern("[0-9a-f]{16}  marketing +complaint");
    assertThat(ctl(admin, "consent", "export", "clinic").out()).contains("\"state\":\"valid\"").doesNotContain("patients.example");

    CtlRun verify = ctl(admin, "audit", "verify");
    assertThat(verify.code()).isZero();
    assertThat(verify.out()).contains("audit chain intact");
    CtlRun changes = ctl(admin, "audit", "query", "--type", "admin.change");
    assertThat(changes.out()).contains("tenant.saved").contains("credential.issued").contains("consent.imported")
        .doesNotContain("patients.example");
    CtlRun export = ctl(admin, "audit", "export", "--type", "admin.change");
    assertThat(export.out().lines().count()).isEqualTo(5);
    assertThat(export.out().lines().findFirst().orElseThrow()).startsWith("{\"sequence\":");

    assertThat(ctl(admin, "health").out()).contains("spool").contains("ready");
    CtlRun badRequest = ctl(admin, "tenant", "create", "x2", "--domain", "not a domain");
    assertThat(badRequest.code()).isEqualTo(3);
    assertThat(badRequest.err()).contains("field: senderDomains");
    assertThat(ctl("mwt_0_wrong", "tenant", "list").code()).isEqualTo(4);
    String auditor = tokens.create(Role.AUDITOR, Optional.empty()).token();
    assertThat(ctl(auditor, "tenant", "list").code()).isEqualTo(4);
    assertThat(ctl(admin, "tenant", "show", "nobody").code()).isEqualTo(3);
    // 503 while the spool offers no QueueControl (exit 5); once it does, the listing (exit 0)
    int queueStatus = new AdminHttp(relay.listeners().get("admin")).call("GET", "/api/v1/queue", admin, null).status();
    assertThat(queueStatus).isIn(200, 503);
    assertThat(ctl(admin, "queue").code()).isEqualTo(queueStatus == 200 ? 0 : 5);
    assertThat(ctl(admin, "queue", "retry").code()).as("usage: a message, --domain or --all").isEqualTo(2);
  }

  @Test
  void thePolicyDryRun_reportsPhiFindingsAndTheRaisedLevel_forACleanMessageNone_andSpoolsNothing() throws Exception {
    Spool.SpoolStats before = relay.storage().spool().stats();
    Path phi = dir.resolve("phi.eml");
    Files.writeString(phi, "From: <news@clinic.example>\r\nSubject: News from your clinic\r\n\r\n"
        + "Patient SSN 123-45-6789 was diagnosed with type 2 diabetes and prescribed metformin.\r\n");
    Path clean = dir.resolve("clean.eml");
    Files.writeString(clean, "From: <news@clinic.example>\r\nSubject: Flu shots\r\n\r\nBook your seasonal flu shot online.\r\n");
    String compliance = tokens.create(Role.COMPLIANCE, Optional.empty()).token();
    // a marketing tenant: consent for one recipient, none for the other
    AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
    assertThat(api.call("PUT", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance,
        "{\"purposes\":[\"marketing\"],\"evidence\":\"f\",\"expiresAt\":\"" + LocalDate.now().plusDays(30) + "\"}").status())
        .isEqualTo(200);

    CtlRun withPhi = ctl(compliance, "--json", "policy", "check", phi.toString(), "--tenant", "clinic", "--rcpt",
        "ann@patients.example", "--rcpt", "bob@patients.example");
    JsonNode r = new ObjectMapper().readTree(withPhi.out());
    assertThat(withPhi.code()).as("bob is refused: exit 1").isEqualTo(1);
    assertThat(r.at("/recipients/0/verdict").asText()).isEqualTo("accept");
    assertThat(r.at("/recipients/1/rule").asText()).isEqualTo("consent.missing");
    assertThat(r.at("/message/verdict").asText()).isEqualTo("accept");
    assertThat(r.at("/message/requiredLevel").asText()).isEqualTo("verify");
    assertThat(r.at("/message/phiFindings")).isNotEmpty();
    assertThat(r.at("/message/rules").toString()).contains("phi.body");

    CtlRun cleanRun = ctl(compliance, "policy", "check", clean.toString(), "--tenant", "clinic", "--rcpt", "ann@patients.example");
    assertThat(cleanRun.code()).as(cleanRun.err()).isZero();
    assertThat(cleanRun.out()).contains("message: accept").contains("PHI findings: none").contains("required level: encrypt");

    assertThat(relay.storage().spool().stats()).as("nothing spooled").isEqualTo(before);

    String other = tokens.create(Role.COMPLIANCE, Optional.of(new TenantId("acme"))).token();
    assertThat(api.call("POST", "/api/v1/policy/check?tenant=clinic&rcpt=ann@patients.example", other, "x").status())
        .isEqualTo(404);
    assertThat(api.call("POST", "/api/v1/policy/check?tenant=clinic&rcpt=ann@patients.example", null, "x").status())
        .isEqualTo(401);
    assertThat(api.call("POST", "/api/v1/policy/check?tenant=clinic&rcpt=ann@patients.example",
        tokens.create(Role.AUDITOR, Optional.empty()).token(), "x").status()).isEqualTo(403);
    AdminHttp.Reply noRcpt = api.call("POST", "/api/v1/policy/check?tenant=clinic", compliance, "x");
    assertThat(noRcpt.status()).isEqualTo(400);
    assertThat(noRcpt.json().get("field").asText()).isEqualTo("rcpt");
    AdminHttp.Reply badFrom = api.call("POST", "/api/v1/policy/check?tenant=clinic&rcpt=a@b.example&from=nope", compliance, "x");
    assertThat(badFrom.json().get("field").asText()).isEqualTo("from");
  }
}
