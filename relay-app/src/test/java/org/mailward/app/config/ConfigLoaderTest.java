package org.mailward.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;
  private final ConfigLoader loader = new ConfigLoader();

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("mailward.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void defaults_loadWithoutAFile() {
    MailwardConfig c = loader.defaults(Map.of());
    assertThat(c.inbound().listeners()).hasSize(2);
    assertThat(c.inbound().listeners().get(0).mode()).isEqualTo(MailwardConfig.ListenerMode.STARTTLS);
    assertThat(c.inbound().maxMessageSize().bytes()).isEqualTo(50L * 1024 * 1024);
    assertThat(c.delivery().retry().queueLifetime()).isEqualTo(Duration.ofDays(5));
    assertThat(c.tenants()).isEmpty();
  }

  @Test
  void userFile_overridesOnlyWhatItSays_andTenantsGetTenantDefaults() throws IOException {
    Path f = write("""
        hostname: relay.example.org
        inbound:
          maxMessageSize: 10MB
        tenants:
          - id: clinic
            username: apikey
            passwordHash: "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA"
            senderDomains: [clinic.example]
            securityLevel: verify
        """);
    MailwardConfig c = loader.load(f, Map.of());
    assertThat(c.hostname()).isEqualTo("relay.example.org");
    assertThat(c.inbound().maxMessageSize().bytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(c.inbound().maxRecipients()).isEqualTo(1000);
    MailwardConfig.TenantEntry t = c.tenant("clinic").orElseThrow();
    assertThat(t.securityLevel()).isEqualTo("verify");
    assertThat(t.defaultPurpose()).isEqualTo("marketing");
    assertThat(t.maxConnections()).isEqualTo(200);
  }

  @Test
  void unknownKey_isNamedWithItsFile() throws IOException {
    Path f = write("inbound:\n  maxMesageSize: 10MB\n");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbound.maxMesageSize")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("unknown key");
  }

  @Test
  void wrongType_isNamedWithItsFile() throws IOException {
    Path f = write("inbound:\n  maxRecipients: lots\n");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbound.maxRecipients")
        .hasMessageContaining(f.toString());
  }

  @Test
  void invalidValue_isNamedWithTheRule() throws IOException {
    Path f = write("inbound:\n  maxLineLength: 100\n");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbound.maxLineLength")
        .hasMessageContaining("at least 512");
    Path g = write("delivery:\n  retry:\n    queueLifetime: forever\n");
    assertThatThrownBy(() -> loader.load(g, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.retry.queueLifetime")
        .hasMessageContaining("not a duration");
  }

  @Test
  void bounceBreakerLimits_areValidatedWithTheKeyAndFile() throws IOException {
    assertThat(loader.defaults(Map.of()).delivery().bounceBreaker())
        .isEqualTo(new MailwardConfig.BounceBreaker(10, Duration.ofMinutes(10)));
    Path f = write("delivery:\n  bounceBreaker:\n    threshold: 0\n");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.bounceBreaker.threshold")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("at least 1");
    Path g = write("delivery:\n  bounceBreaker:\n    window: 0s\n");
    assertThatThrownBy(() -> loader.load(g, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.bounceBreaker.window")
        .hasMessageContaining(g.toString());
  }

  @Test
  void phiScanBudgets_haveDefaults_andAnOutOfRangeOneIsNamedWithItsFile() throws IOException {
    MailwardConfig.PhiScan d = loader.defaults(Map.of()).policy().phiScan();
    assertThat(d.bodyBytes().bytes()).isEqualTo(4L << 20);
    assertThat(d.maxAttachmentBytes().bytes()).isEqualTo(8L << 20);
    assertThat(d.timeBudget()).isEqualTo(Duration.ofSeconds(5));
    Path f = write("policy:\n  phiScan:\n    maxAttachmentBytes: 100\n");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("policy.phiScan.maxAttachmentBytes")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("between 1KB and 256MB");
    Path g = write("policy:\n  phiScan:\n    timeBudget: 0s\n");
    assertThatThrownBy(() -> loader.load(g, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("policy.phiScan.timeBudget")
        .hasMessageContaining("must be positive");
    assertThat(loader.load(write("policy:\n  phiScan:\n    bodyBytes: 1MB\n"), Map.of()).policy().phiScan().bodyBytes().bytes())
        .isEqualTo(1L << 20);
  }

  @Test
  void environment_overridesOneKey_andErrorsNameTheVariable() throws IOException {
    Path f = write("spool:\n  minFreeSpace: 1GB\n");
    MailwardConfig c = loader.load(f, Map.of("MAILWARD_SPOOL__MIN_FREE_SPACE", "2GB", "MAILWARD_DELIVERY__ENABLED", "false",
        "PATH", "/usr/bin"));
    assertThat(c.spool().minFreeSpace().bytes()).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(c.delivery().enabled()).isFalse();

    assertThatThrownBy(() -> loader.load(f, Map.of("MAILWARD_SPOOL__NO_SUCH", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAILWARD_SPOOL__NO_SUCH")
        .hasMessageContaining("no such key");
    assertThatThrownBy(() -> loader.load(f, Map.of("MAILWARD_INBOUND__MAX_RECIPIENTS", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbound.maxRecipients")
        .hasMessageContaining("MAILWARD_INBOUND__MAX_RECIPIENTS");
  }

  @Test
  void brokenYaml_reportsTheLine() throws IOException {
    Path f = write("inbound:\n  maxRecipients: [1,\n");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML")
        .hasMessageContaining(f.toString());
  }

  @Test
  void everyDefaultKey_isDocumentedInConfigurationMd() throws IOException {
    Path doc = Path.of("..", "docs", "configuration.md");
    String text = Files.readString(doc);
    for (String key : loader.defaultKeys()) {
      assertThat(text).as("docs/configuration.md documents %s", key).contains("`" + key + "`");
    }
  }
}
