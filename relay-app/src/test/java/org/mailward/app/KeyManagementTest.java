package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.policy.unsubscribe.UnsubscribeTokens;
import org.mailward.testkit.ManualClock;
import picocli.CommandLine;

/** Key paths, the master key from the environment, and the two rotations an operator runs. */
class KeyManagementTest {
  private static final Duration LIFETIME = Duration.ofDays(60);

  @TempDir Path dir;

  @Test
  void everyKeyPath_isConfigurable_andLivesOutsideTheDataDirectoryWhenSet() throws Exception {
    Path outside = dir.resolve("secrets");
    ModuleConfigs modules = modules("""
        spool:
          masterKey: %s
        policy:
          tokenSecretFile: %s
          redactorKeyFile: %s
        """.formatted(outside.resolve("master.key"), outside.resolve("policy.key"), outside.resolve("redactor.key")), Map.of());
    modules.masterKeyring();
    Relay.Secrets.load(new ConfigLoader().load(dir.resolve("mailward.yaml"), Map.of()), modules);
    for (String name : new String[] {"master.key", "policy.key", "redactor.key"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside.resolve(name)))).as(name).isEqualTo("rw-------");
    }
    assertThat(dir.resolve("data").resolve("keys")).doesNotExist();
  }

  @Test
  void masterKeyFromAnEnvironmentVariable_isUsed_andAMissingVariableIsAConfigErrorNamingTheKey() throws Exception {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    ModuleConfigs modules = modules("spool:\n  masterKeyEnv: MW_TEST_MASTER_KEY\n", Map.of("MW_TEST_MASTER_KEY", key));
    assertThat(modules.masterKeyring().describeSource()).isEqualTo("environment variable MW_TEST_MASTER_KEY");
    assertThatThrownBy(() -> modules.masterKeyring().rotate()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(dir.resolve("data").resolve("keys").resolve("master.key")).doesNotExist();

    ModuleConfigs unset = modules("spool:\n  masterKeyEnv: MW_TEST_MASTER_KEY\n", Map.of());
    assertThatThrownBy(unset::masterKeyring).isInstanceOf(ConfigException.class)
        .hasMessageContaining("spool.masterKeyEnv").hasMessageContaining("MW_TEST_MASTER_KEY (the master key) is not set");
  }

  @Test
  void keysRotateMaster_addsANewActiveKey_andKeepsTheOldOneForUnwrapping() throws Exception {
    Path config = TestRelays.write(dir, TestRelays.freePort(), "");
    ModuleConfigs modules = modules("", Map.of());
    String before = modules.masterKeyring().activeKeyId();
    int exit = new CommandLine(new Main()).execute("keys", "rotate-master", "--config", config.toString());
    assertThat(exit).isZero();
    var after = modules.masterKeyring();
    assertThat(after.activeKeyId()).isNotEqualTo(before);
    assertThat(after.keyIds()).contains(before);
  }

  @Test
  void anUnsubscribeLinkSentBeforeTheRotation_keepsWorkingUntilItExpires_andTheOldSecretIsThenDeleted() throws Exception {
    Path file = dir.resolve("policy.key");
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    SecretRing.Secrets first = SecretRing.loadOrCreate(file, LIFETIME, clock);
    String sentBefore = new UnsubscribeTokens(first.active(), clock, LIFETIME).mint(new TenantId("clinic"), new byte[32],
        Purpose.MARKETING);

    clock.advance(Duration.ofDays(10));
    SecretRing.rotate(file, LIFETIME, clock);
    SecretRing.Secrets rotated = SecretRing.loadOrCreate(file, LIFETIME, clock);
    assertThat(rotated.active()).isNotEqualTo(first.active());
    UnsubscribeTokens relay = new UnsubscribeTokens(rotated.active(), rotated.retired(), clock, LIFETIME);
    assertThat(relay.verify(sentBefore)).isInstanceOf(UnsubscribeTokens.Check.Valid.class);
    String sentAfter = relay.mint(new TenantId("clinic"), new byte[32], Purpose.MARKETING);
    assertThat(new UnsubscribeTokens(first.active(), clock, LIFETIME).verify(sentAfter))
        .as("new links are signed with the new secret").isInstanceOf(UnsubscribeTokens.Check.Invalid.class);

    clock.advance(Duration.ofDays(49)); // day 59: the old link still has a day
    assertThat(relay.verify(sentBefore)).isInstanceOf(UnsubscribeTokens.Check.Valid.class);

    clock.advance(Duration.ofDays(11)); // 60 days after the rotation: every link the old secret signed has expired
    SecretRing.Secrets later = SecretRing.loadOrCreate(file, LIFETIME, clock);
    assertThat(later.retired()).isEmpty();
    assertThat(Files.readString(file)).doesNotContain(Base64.getEncoder().encodeToString(first.active()));
    assertThat(new UnsubscribeTokens(later.active(), later.retired(), clock, LIFETIME).verify(sentBefore))
        .isInstanceOf(UnsubscribeTokens.Check.Invalid.class);
  }

  @Test
  void aTokenSecretFileOfTheFirstVersion_isOneActiveSecret_andItsFirstRotationKeepsIt() throws Exception {
    Path file = dir.resolve("policy.key");
    byte[] raw = new byte[32];
    raw[5] = 7;
    FirstStart.writePrivate(file, raw);
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(SecretRing.loadOrCreate(file, LIFETIME, clock).active()).isEqualTo(raw);
    SecretRing.rotate(file, LIFETIME, clock);
    assertThat(SecretRing.loadOrCreate(file, LIFETIME, clock).retired()).containsExactly(raw);
  }

  @Test
  void aMalformedSecretRing_isRefusedNamingTheFileAndLine() throws Exception {
    Path file = dir.resolve("policy.key");
    FirstStart.writePrivate(file, ("# Mailward secret ring: newest last; retired secrets verify until their overlap ends.\n"
        + "mws1 abcd c2VjcmV0 sometimes\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> SecretRing.loadOrCreate(file, LIFETIME, new ManualClock(Instant.EPOCH)))
        .hasMessageContaining(file.toString()).hasMessageContaining("line 2").hasMessageNotContaining("c2VjcmV0");
  }

  private ModuleConfigs modules(String extraYaml, Map<String, String> env) throws Exception {
    Path config = TestRelays.write(dir, TestRelays.freePort(), extraYaml);
    return new ModuleConfigs(new ConfigLoader().load(config, env), config.toString(), env);
  }
}
