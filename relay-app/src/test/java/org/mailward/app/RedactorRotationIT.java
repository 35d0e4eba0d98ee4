package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mailward keys rotate-redactor} on a relay's real data directory: consent and suppressions
 * made through the admin API (their addresses sealed in the control-plane log) are re-keyed; a row
 * imported offline, which no log record names, stops the switch (exit 1, the relay refuses to start
 * while the rotation is unfinished) until an operator's address file maps it; after the switch the
 * restarted relay answers for every address as before, the old key is kept beside the new one, and
 * the audit journal records the rotation with both key fingerprints.
 */
class RedactorRotationIT {
  private static final String ANN = "ann.rotate@patients.example";
  private static final String BOB = "bob.rotate@patients.example";
  private static final String CAT = "cat.rotate@patients.example";
  private static final String DAN = "dan.offline@patients.example";
  @TempDir Path dir;

  @Test
  void consentSurvivesARotation_andAnUnmappedRecordStopsTheSwitchUntilItsAddressIsSupplied() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", "", "");
    MailwardConfig cfg = new ConfigLoader().load(config, Map.of());
    LocalDate today = LocalDate.now();
    try (Relay relay = start(cfg, config)) {
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      String token = compliance();
      assertThat(api.call("PUT", "/api/v1/tenants/clinic/consent/" + ANN, token,
          "{\"purposes\":[\"marketing\"],\"evidence\":\"form-1\",\"expiresAt\":\"" + today.plusDays(30) + "\"}").status())
          .isEqualTo(200);
      assertThat(api.call("POST", "/api/v1/tenants/clinic/suppressions", token,
          "{\"address\":\"" + BOB + "\",\"reason\":\"complaint\"}").status()).isEqualTo(201);
      String csv = "email,purposes,granted_at,expires_at,evidence\n" + CAT + ",marketing," + today.minusDays(1) + ","
          + today.plusDays(300) + ",doc-1\n";
      assertThat(ConsentAdminIT.awaitJob(api, token, api.call("POST", "/api/v1/tenants/clinic/consent/imports?format=csv",
          token, csv, "text/csv")).get("state").asText()).isEqualTo("imported");
    }
    Path offline = dir.resolve("offline.csv"); // the offline import writes the store directly: no log record names it
    Files.writeString(offline, "email,purposes,granted_at,expires_at,evidence\n" + DAN + ",marketing," + today.minusDays(1)
        + "," + today.plusDays(300) + ",doc-2\n");
    assertThat(mailward("consent-import", "--config", config.toString(), "--tenant", "clinic", offline.toString())).isZero();

    Path keyFile = dir.resolve("data/keys/redactor.key");
    byte[] oldKey = Files.readAllBytes(keyFile);
    assertThat(mailward("keys", "rotate-redactor", "--config", config.toString())).as("one record has no known address")
        .isEqualTo(1);
    assertThat(keyFile.resolveSibling("redactor.key.next")).exists();
    assertThat(Files.readAllBytes(keyFile)).as("not switched").isEqualTo(oldKey);
    assertThatThrownBy(() -> start(cfg, config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("policy.redactorKeyFile").hasMessageContaining("rotate-redactor");

    Path list = dir.resolve("esp-list.txt");
    Files.writeString(list, DAN + "\nsomeone.else@patients.example\n");
    assertThat(mailward("keys", "rotate-redactor", "--config", config.toString(), "--addresses", list.toString())).isZero();
    assertThat(keyFile.resolveSibling("redactor.key.next")).doesNotExist();
    assertThat(Files.readAllBytes(keyFile)).isNotEqualTo(oldKey);
    try (Stream<Path> keys = Files.list(keyFile.getParent())) {
      Path retired = keys.filter(p -> p.getFileName().toString().startsWith("redactor.key.retired-")).findFirst().orElseThrow();
      assertThat(Files.readAllBytes(retired)).isEqualTo(oldKey);
    }

    try (Relay relay = start(cfg, config)) {
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      String token = compliance();
      for (String a : new String[] {ANN, CAT, DAN}) {
        JsonNode c = api.call("GET", "/api/v1/tenants/clinic/consent/" + a, token, null).json();
        assertThat(c.at("/authorization/state").asText()).as(a).isEqualTo("valid");
      }
      assertThat(api.call("GET", "/api/v1/tenants/clinic/suppressions/" + BOB, token, null).json()
          .at("/suppressions/marketing/reason").asText()).isEqualTo("complaint");
      var rotated = relay.storage().audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(), 1000)
          .stream().map(r -> r.event()).filter(e -> e.type().equals("redactor-key.rotated")).toList();
      assertThat(rotated).hasSize(1);
      assertThat(rotated.get(0).facts()).containsKeys("previousKey", "key").containsEntry("unmapped", "0");
    }
  }

  private Relay start(MailwardConfig cfg, Path config) throws Exception {
    return Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private String compliance() throws Exception {
    return new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC()).create(Role.COMPLIANCE, Optional.empty())
        .token();
  }

  private static int mailward(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
