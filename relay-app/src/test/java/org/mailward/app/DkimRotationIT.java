package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.DkimTestKeys;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.Ports;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;
import org.mailward.testkit.TestResources;

/**
 * DKIM key rotation through the admin API of a running relay that signs every message of its
 * tenant with a configured Ed25519 key ({@code s=s2026}). An RSA-2048 key made through the API
 * signs the very next message with its selector — Debian's dkimverify passes it against the DNS
 * record the API returned and fails it against the old one — and the private key sits encrypted in
 * an owner-only file, never in a response or the audit. A second rotation through {@code mailwardctl}
 * (Ed25519, generated selector) signs the next message; after a restart on the same data directory
 * the newest key still signs. The readiness report reads a test dnsmasq publishing SPF, the new key
 * and DMARC. The routes refuse a missing token, the wrong role, another tenant's token and bad bodies.
 */
class DkimRotationIT {
  private static final Pattern SELECTOR = Pattern.compile("\\bs=([A-Za-z0-9-]+);");
  @TempDir Path dir;

  private Relay start(Path config, Map<String, String> env, ByteArrayOutputStream printed) throws Exception {
    return Relay.start(new ConfigLoader().load(config, env), config.toString(), env, Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  private static void send(Relay relay, int n) throws Exception {
    InetSocketAddress at = relay.listeners().get("submission");
    try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", at.getPort()))) {
      c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD);
      c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
      assertThat(c.command("RCPT TO:<pat@patients.test>").code()).isEqualTo(250);
      c.command("DATA");
      assertThat(c.command("From: Clinic <" + TestRelays.SENDER + ">\r\nTo: <pat@patients.test>\r\nSubject: reminder " + n
          + "\r\nDate: Fri, 04 Dec 2026 21:00:00 +0000\r\nMessage-ID: <m" + n + "@clinic.example>\r\n\r\nSee you on Monday.\r\n.")
          .code()).isEqualTo(250);
    }
  }

  private static String awaitMessage(Receiver receiver, int count) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (receiver.messages().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for message " + count);
      }
      Thread.sleep(100);
    }
    return receiver.messages().get(count - 1);
  }

  private static String selector(String message) {
    Matcher m = SELECTOR.matcher(message.substring(0, message.indexOf("\r\n\r\n")));
    assertThat(m.find()).as("a DKIM-Signature with s=").isTrue();
    return m.group(1);
  }

  @Test
  void aKeyRotatedThroughTheApi_signsTheNextMessage_andDkimverifyPassesItWithThePublishedRecord() throws Exception {
    TestCa ca = TestCa.create("dkim-ca");
    DkimTestKeys.KeyFiles configured = DkimTestKeys.ed25519Key(dir);
    int dnsPort = Ports.freeUdp("127.0.0.1");
    Map<String, String> env = Map.of("TEST_DKIM_PASSPHRASE", DkimTestKeys.PASSPHRASE);
    try (Receiver receiver = Receiver.start(dir, "127.0.0.8", Optional.of(ca.issue("mx.patients.test")), "ok")) {
      Path config = TestRelays.write(dir, TestRelays.freePort(), "transactional", TestRelays.dkimSignsAll(configured.pem()),
          TestRelays.delivery(dnsPort, "patients.test: \"[127.0.0.8]:" + receiver.port() + "\"", ""), "");
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      String rotatedSelector;
      try (Relay relay = start(config, env, printed)) {
        AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
        String admin = AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8));
        AdminTokens tokens = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC());
        String operator = tokens.create(Role.OPERATOR, Optional.empty()).token();
        String auditor = tokens.create(Role.AUDITOR, Optional.empty()).token();
        String otherTenant = tokens.create(Role.ADMIN, Optional.of(new TenantId("other"))).token();

        send(relay, 1);
        String first = awaitMessage(receiver, 1);
        assertThat(selector(first)).isEqualTo("s2026");
        assertThat(TestResources.dkimVerify(first, configured.dnsRecord(), dir)).contains("pass");

        AdminHttp.Reply made = api.call("POST", "/api/v1/tenants/clinic/dkim-keys", operator,
            "{\"domain\":\"clinic.example\",\"algorithm\":\"rsa-2048\",\"selector\":\"rot2026\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        JsonNode key = made.json();
        assertThat(key.get("selector").asText()).isEqualTo("rot2026");
        assertThat(key.get("keyType").asText()).isEqualTo("rsa");
        assertThat(key.get("active").asBoolean()).isTrue();
        assertThat(key.get("dnsRecord").asText()).startsWith("rot2026._domainkey.clinic.example. IN TXT \"v=DKIM1; k=rsa; p=")
            .as("an RSA key is split into 255-byte strings").contains("\" \"");
        assertThat(made.body()).doesNotContain("PRIVATE");
        Path pem = dir.resolve("data/keys/dkim/clinic/rot2026._domainkey.clinic.example.pem");
        assertThat(Files.readString(pem)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-------");

        send(relay, 2);
        String second = awaitMessage(receiver, 2);
        assertThat(selector(second)).as("the next message, no restart").isEqualTo("rot2026");
        assertThat(second).contains("a=rsa-sha256");
        assertThat(TestResources.dkimVerify(second, key.get("txt").asText(), dir)).contains("dkim verify: pass");
        assertThat(TestResources.dkimVerify(second, configured.dnsRecord(), dir)).as("not the old key").doesNotContain("dkim verify: pass");

        OperatorProtectionsIT.Run rotated = OperatorProtectionsIT.ctl(relay, operator, "dkim", "rotate", "clinic",
            "--domain", "clinic.example");
        assertThat(rotated.code()).as(rotated.out()).isZero();
        assertThat(rotated.out()).contains("publish:").contains("k=ed25519");
        JsonNode listed = api.call("GET", "/api/v1/tenants/clinic/dkim-keys", operator, null).json().get("keys");
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("active").asBoolean()).isFalse();
        JsonNode newest = listed.get(1);
        assertThat(newest.get("active").asBoolean()).isTrue();
        rotatedSelector = newest.get("selector").asText();
        assertThat(rotatedSelector).matches("mw\\d{8}[0-9a-f]{4}");
        OperatorProtectionsIT.Run table = OperatorProtectionsIT.ctl(relay, operator, "dkim", "list", "clinic");
        assertThat(table.out()).contains("SELECTOR").contains("rot2026").contains(rotatedSelector);

        send(relay, 3);
        String third = awaitMessage(receiver, 3);
        assertThat(selector(third)).isEqualTo(rotatedSelector);
        assertThat(TestResources.dkimVerify(third, newest.get("txt").asText(), dir)).contains("dkim verify: pass");

        try (Dnsmasq dns = Dnsmasq.start(dir, dnsPort, List.of("--local=/clinic.example/",
            "--txt-record=clinic.example,v=spf1 ip4:127.0.0.1 -all",
            "--txt-record=" + rotatedSelector + "._domainkey.clinic.example," + newest.get("txt").asText(),
            "--txt-record=_dmarc.clinic.example,v=DMARC1; p=reject"))) {
          AdminHttp.Reply ready = api.call("GET", "/api/v1/tenants/clinic/dkim-keys/readiness?ip=127.0.0.1", operator, null);
          assertThat(ready.status()).as(ready.body()).isEqualTo(200);
          JsonNode domain = ready.json().get("domains").get(0);
          assertThat(domain.get("domain").asText()).isEqualTo("clinic.example");
          assertThat(domain.get("selector").asText()).isEqualTo(rotatedSelector);
          assertThat(domain.get("dkim").asText()).isEqualTo("ok");
          assertThat(domain.get("spf").asText()).as(domain.get("report").asText()).isEqualTo("ok");
          assertThat(domain.get("dmarc").asText()).isEqualTo("ok");
          assertThat(domain.get("ready").asBoolean()).as(domain.get("report").asText()).isTrue();
          assertThat(OperatorProtectionsIT.ctl(relay, operator, "dkim", "readiness", "clinic", "--ip", "127.0.0.1").out())
              .contains("READY");
        }

        String path = "/api/v1/tenants/clinic/dkim-keys";
        String good = "{\"domain\":\"clinic.example\"}";
        assertThat(api.call("POST", path, null, good).status()).isEqualTo(401);
        assertThat(api.call("GET", path, null, null).status()).isEqualTo(401);
        assertThat(api.call("POST", path, auditor, good).status()).isEqualTo(403);
        assertThat(api.call("GET", path, auditor, null).status()).isEqualTo(403);
        assertThat(api.call("POST", path, otherTenant, good).status()).as("another tenant's token").isEqualTo(404);
        assertThat(api.call("GET", path, otherTenant, null).status()).isEqualTo(404);
        assertThat(api.call("POST", "/api/v1/tenants/nobody/dkim-keys", admin, good).status()).isEqualTo(404);
        String[][] bad = {
            {"{\"domain\":\"elsewhere.example\"}", "domain"},
            {"{}", "domain"},
            {"{\"domain\":\"clinic.example\",\"algorithm\":\"dsa\"}", "algorithm"},
            {"{\"domain\":\"clinic.example\",\"selector\":\"two.labels\"}", "selector"},
            {"{\"domain\":\"clinic.example\",\"private\":\"x\"}", "private"}};
        for (String[] b : bad) {
          AdminHttp.Reply reply = api.call("POST", path, admin, b[0]);
          assertThat(reply.status()).as(b[0]).isEqualTo(400);
          assertThat(reply.json().get("field").asText()).as(b[0]).isEqualTo(b[1]);
        }
        assertThat(api.call("POST", path, admin, "{\"domain\":\"clinic.example\",\"selector\":\"rot2026\"}").status())
            .as("a selector in use").isEqualTo(409);

        JsonNode changes = api.call("GET", "/api/v1/audit?type=admin.change", auditor, null).json().get("records");
        assertThat(changes.toString()).contains("dkim.key.added").contains("rot2026").contains(rotatedSelector)
            .doesNotContain("PRIVATE").doesNotContain(key.get("publicKey").asText());
      }

      try (Relay relay = start(config, env, new ByteArrayOutputStream())) {
        send(relay, 4);
        String fourth = awaitMessage(receiver, 4);
        assertThat(selector(fourth)).as("the newest key signs after a restart").isEqualTo(rotatedSelector);
      }
    }
  }
}
