package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.DkimTestKeys;
import org.mailward.testkit.TestCa;
import picocli.CommandLine;

/**
 * check-config validates the whole file as a start would: TLS pairs, trust anchors,
 * each tenant's DKIM key with its passphrase, routes, metrics groups — and names
 * the key and the file of the first problem. Nothing is started or written.
 */
class ConfigCheckTest {
  static final Map<String, String> ENV = Map.of("TEST_DKIM_PASSPHRASE", DkimTestKeys.PASSPHRASE);
  @TempDir Path dir;
  private Path config;
  private String valid;

  @BeforeEach
  void aValidFile() throws Exception {
    TestCa ca = TestCa.create("check-ca");
    TestCa.PemFiles tls = ca.issue("relay.test").write(dir.resolve("tls"), "relay");
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    DkimTestKeys.KeyFiles dkim = DkimTestKeys.ed25519Key(dir);
    config = TestRelays.write(dir, 2525, "transactional", """
            policy:
              dkim:
                domain: clinic.example
                selector: s1
                keyFile: %s
                passphraseEnv: TEST_DKIM_PASSPHRASE
        """.formatted(dkim.pem()), """
        delivery:
          routes:
            patients.test: "[127.0.0.2]:2526"
          tls:
            trustAnchors: %s
        """.formatted(caPem), "");
    valid = Files.readString(config).replace("inbound:\n", "inbound:\n  tls:\n    certificate: " + tls.certificate()
        + "\n    key: " + tls.key() + "\n");
    Files.writeString(config, valid);
  }

  private ConfigCheck.Summary check() {
    return ConfigCheck.validate(new ConfigLoader().load(config, ENV), config.toString(), ENV);
  }

  private void rewrite(String from, String to) throws Exception {
    assertThat(valid).contains(from);
    Files.writeString(config, valid.replace(from, to));
  }

  @Test
  void aValidFile_loadsItsTlsPairDkimKeyAndRoutes_andWritesNothing() throws Exception {
    assertThat(check()).isEqualTo(new ConfigCheck.Summary(1, 1, 1));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aDkimPassphraseVariableThatIsUnsetOrAConfigurationOverride_isNamed() throws Exception {
    for (String name : new String[] {"NO_SUCH_DKIM_PASSPHRASE", "MAILWARD_DKIM_PASSPHRASE"}) {
      Files.writeString(config, valid + "policy:\n  dkimPassphraseEnv: " + name + "\n");
      assertThatThrownBy(this::check).as(name).isInstanceOf(ConfigException.class)
          .extracting(e -> ((ConfigException) e).key()).isEqualTo("policy.dkimPassphraseEnv");
    }
    Files.writeString(config, valid + "policy:\n  dkimPassphraseEnv: TEST_DKIM_PASSPHRASE\n");
    assertThat(check()).isEqualTo(new ConfigCheck.Summary(1, 1, 1));
  }

  @Test
  void aDkimKeyThatDoesNotLoad_isNamedByTenantIndex() throws Exception {
    Files.writeString(config, valid);
    Map<String, String> wrong = Map.of("TEST_DKIM_PASSPHRASE", "not-the-passphrase");
    assertThatThrownBy(() -> ConfigCheck.validate(new ConfigLoader().load(config, wrong), config.toString(), wrong))
        .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key())
        .isEqualTo("tenants[0].policy.dkim.keyFile");
  }

  @Test
  void aMissingTlsCertificate_aBadRoute_badTrustAnchors_andABadMetricsGroup_areEachNamed() throws Exception {
    rewrite("tls/relay", "tls/missing");
    assertThatThrownBy(this::check).isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key())
        .isEqualTo("inbound.tls.certificate");
    rewrite("\"[127.0.0.2]:2526\"", "\"[127.0.0.2]:99999\"");
    assertThatThrownBy(this::check).isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key())
        .isEqualTo("delivery.routes.patients.test");
    Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    Files.writeString(config, valid);
    assertThatThrownBy(this::check).isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key())
        .isEqualTo("delivery.tls.trustAnchors");
  }

  @Test
  void aPhiScanTimeBudgetNotShorterThanThePolicyTimeout_isNamedWithItsFile() throws Exception {
    Files.writeString(config, valid + "\npolicy:\n  phiScan:\n    timeBudget: 10s\n");
    assertThatThrownBy(this::check).isInstanceOf(ConfigException.class)
        .hasMessageContaining(config.toString()).hasMessageContaining("inbound.policyTimeout")
        .extracting(e -> ((ConfigException) e).key()).isEqualTo("policy.phiScan.timeBudget");
    Files.writeString(config, valid + "\npolicy:\n  phiScan:\n    timeBudget: 3s\n    maxAttachmentBytes: 2MB\n");
    assertThat(check()).isEqualTo(new ConfigCheck.Summary(1, 1, 1));
  }

  @Test
  void aMetricsGroupThatIsNoSafeLabel_isNamed() throws Exception {
    Files.writeString(config, valid + "\nmetrics:\n  destinationGroups:\n    \"Big Mail\": [gmail.com]\n");
    Files.writeString(config, Files.readString(config).replace("metrics:\n  enabled: false\n", ""));
    assertThatThrownBy(this::check).isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key())
        .isEqualTo("metrics.destinationGroups");
  }

  @Test
  void theCheckConfigCommand_exits2_namingKeyAndFile() throws Exception {
    rewrite("tls/relay", "tls/missing");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(new CommandLine(new Main()).execute("check-config", config.toString())).isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("inbound.tls.certificate").contains(config.toString());
  }
}
