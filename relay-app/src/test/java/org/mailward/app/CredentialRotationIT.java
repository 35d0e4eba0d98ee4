package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import org.mailward.testkit.SmtpTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ESP rotates its SMTP credential through the admin API on a running relay: a tenant created
 * by the API, credential A issued and used, credential B issued, A revoked — A is refused on the
 * next AUTH and B accepted, without a restart; after a restart the same holds (the tenant and its
 * credentials come back from the control-plane log).
 */
class CredentialRotationIT {
  @TempDir Path dir;

  @Test
  void aRotatedCredential_isRefused_andTheNewOneAccepted_withoutRestart_andAfterOne() throws Exception {
    Path config = TestRelays.write(dir, 0, "");
    MailwardConfig cfg = new ConfigLoader().load(config, Map.of());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String a;
    String b;
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      String token = AdminHttp.printedToken(printed.toString(StandardCharsets.UTF_8));
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      assertThat(api.call("POST", "/api/v1/tenants", token,
          "{\"id\":\"acme\",\"senderDomains\":[\"acme.example\"],\"defaultPurpose\":\"transactional\"}").status()).isEqualTo(201);
      var credA = api.call("POST", "/api/v1/tenants/acme/credentials", token, null).json();
      a = credA.get("username").asText();
      String passA = credA.get("password").asText();

      assertThat(login(relay, a, passA)).isEqualTo(235);
      try (SmtpTestClient c = SmtpTestClient.connect(relay.listeners().get("submission"))) {
        assertThat(c.startTlsAndLogin("esp.test", a, passA).code()).isEqualTo(235);
        assertThat(c.command("MAIL FROM:<billing@acme.example>").code()).isEqualTo(250);
      }

      var credB = api.call("POST", "/api/v1/tenants/acme/credentials", token, "{\"username\":\"acme-b\"}").json();
      b = credB.get("username").asText();
      String passB = credB.get("password").asText();
      assertThat(login(relay, b, passB)).as("both live during the rotation").isEqualTo(235);
      assertThat(login(relay, a, passA)).isEqualTo(235);

      assertThat(api.call("DELETE", "/api/v1/tenants/acme/credentials/" + credA.get("id").asText(), token, null).status())
          .isEqualTo(204);
      assertThat(login(relay, a, passA)).as("revoked credential").isEqualTo(535);
      assertThat(login(relay, b, passB)).as("new credential").isEqualTo(235);

      assertThat(api.call("POST", "/api/v1/tenants/acme/disable", token, null).status()).isEqualTo(200);
      assertThat(login(relay, b, passB)).as("disabled tenant").isEqualTo(535);
      assertThat(api.call("POST", "/api/v1/tenants/acme/enable", token, null).status()).isEqualTo(200);
      assertThat(login(relay, b, passB)).isEqualTo(235);
      assertThat(login(relay, TestRelays.USER, TestRelays.PASSWORD)).as("the configured tenant is untouched").isEqualTo(235);

      try (Relay restarted = restart(relay, cfg, config)) {
        assertThat(login(restarted, b, passB)).isEqualTo(235);
        assertThat(login(restarted, a, passA)).isEqualTo(535);
      }
    }
  }

  private static Relay restart(Relay running, MailwardConfig cfg, Path config) throws Exception {
    running.close();
    return Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));
  }

  private static int login(Relay relay, String user, String password) throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(relay.listeners().get("submission"))) {
      return c.startTlsAndLogin("esp.test", user, password).code();
    }
  }
}
