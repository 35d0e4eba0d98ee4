package org.mailward.queue.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();

  @Test
  void firstUse_createsAKeyFileReadableOnlyByItsOwner() throws Exception {
    Path file = dir.resolve("keys/master.key");
    MasterKey key = MasterKey.loadOrCreate(file, random);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(key.activeKeyId()).matches("[0-9a-f]{8}");
    assertThat(MasterKey.loadOrCreate(file, random).activeKeyId()).isEqualTo(key.activeKeyId());
  }

  @Test
  void wrappedDataKey_unwrapsAfterReload_toTheSameKey() {
    Path file = dir.resolve("master.key");
    DataKey dk = DataKey.generate(random);
    byte[] stored = dk.toStored(MasterKey.loadOrCreate(file, random));
    DataKey back = DataKey.fromStored(stored, MasterKey.loadOrCreate(file, random));
    assertThat(back.key().getEncoded()).isEqualTo(dk.key().getEncoded());
    assertThat(back.noncePrefix()).isEqualTo(dk.noncePrefix());
  }

  @Test
  void afterRotation_newKeysUseTheNewId_andOldWrappedKeysStillUnwrap() {
    Path file = dir.resolve("master.key");
    MasterKey before = MasterKey.loadOrCreate(file, random);
    DataKey dk = DataKey.generate(random);
    byte[] old = dk.toStored(before);
    String oldId = before.activeKeyId();
    MasterKey after = MasterKey.loadOrCreate(file, random);
    String newId = after.rotate();
    assertThat(after.activeKeyId()).isEqualTo(newId).isNotEqualTo(oldId);
    assertThat(DataKey.fromStored(old, after).key().getEncoded()).isEqualTo(dk.key().getEncoded());
    byte[] fresh = after.wrap(dk.key());
    assertThat(new String(fresh, 1, fresh[0])).isEqualTo(after.activeKeyId());
  }

  @Test
  void keyFileReadableByOthers_isRefused() throws Exception {
    Path file = dir.resolve("master.key");
    MasterKey.loadOrCreate(file, random);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> MasterKey.loadOrCreate(file, random)).hasMessageContaining("chmod 600");
  }

  @Test
  void unwrapWithAForeignKeyring_fails() {
    byte[] stored = DataKey.generate(random).toStored(MasterKey.loadOrCreate(dir.resolve("a.key"), random));
    MasterKey other = MasterKey.loadOrCreate(dir.resolve("b.key"), random);
    assertThatThrownBy(() -> DataKey.fromStored(stored, other)).hasMessageContaining("not in the keyring");
  }

  @Test
  void aRotationByAnotherProcess_reachesARunningKeyringAtItsNextRefresh() {
    Path file = dir.resolve("master.key");
    MasterKey running = MasterKey.loadOrCreate(file, random);
    String before = running.activeKeyId();
    String rotated = MasterKey.loadOrCreate(file, random).rotate(); // what `bin/mailward keys rotate-master` does
    assertThat(running.activeKeyId()).isEqualTo(before);
    assertThat(running.refresh()).isTrue();
    assertThat(running.activeKeyId()).isEqualTo(rotated);
    assertThat(running.keyIds()).containsExactlyInAnyOrder(before, rotated);
    assertThat(running.refresh()).isFalse();
  }

  @Test
  void destroyedKey_isGoneFromFileAndMemory_andTheActiveKeyCannotBeDestroyed() throws Exception {
    Path file = dir.resolve("master.key");
    MasterKey ring = MasterKey.loadOrCreate(file, random);
    String old = ring.activeKeyId();
    byte[] wrappedUnderOld = DataKey.generate(random).toStored(ring);
    String fresh = ring.rotate();
    assertThatThrownBy(() -> ring.destroy(fresh)).hasMessageContaining("active key");
    ring.destroy(old);
    assertThat(ring.keyIds()).containsExactly(fresh);
    assertThat(Files.readString(file)).doesNotContain(old);
    assertThat(MasterKey.loadOrCreate(file, random).keyIds()).containsExactly(fresh);
    assertThatThrownBy(() -> DataKey.fromStored(wrappedUnderOld, ring)).hasMessageContaining("not in the keyring");
  }

  @Test
  void keyringFromAnEnvironmentVariable_unwrapsWithEveryEntry_andRefusesToRotate() {
    String k1 = Base64.getEncoder().encodeToString(new byte[32]);
    byte[] two = new byte[32];
    two[0] = 1;
    String k2 = Base64.getEncoder().encodeToString(two);
    MasterKey first = MasterKey.fromEnvironment("MW_KEY", Map.of("MW_KEY", "mwk1 0000aaaa " + k1), random);
    byte[] stored = DataKey.generate(random).toStored(first);
    MasterKey both = MasterKey.fromEnvironment("MW_KEY", Map.of("MW_KEY", "mwk1 0000aaaa " + k1 + ";mwk1 0000bbbb " + k2), random);
    assertThat(both.activeKeyId()).isEqualTo("0000bbbb");
    assertThat(DataKey.fromStored(stored, both).key()).isNotNull();
    assertThat(both.describeSource()).isEqualTo("environment variable MW_KEY").doesNotContain(k1);
    assertThatThrownBy(both::rotate).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("MW_KEY");
    assertThat(MasterKey.fromEnvironment("MW_KEY", Map.of("MW_KEY", k2), random).activeKeyId()).matches("[0-9a-f]{8}");
  }

  @Test
  void missingOrMalformedEnvironmentKey_isRefusedNamingTheVariable_neverItsValue() {
    assertThatThrownBy(() -> MasterKey.fromEnvironment("MW_KEY", Map.of(), random)).hasMessageContaining("environment variable MW_KEY (the master key) is not set");
    assertThatThrownBy(() -> MasterKey.fromEnvironment("MW_KEY", Map.of("MW_KEY", "mwk1 zz c2VjcmV0"), random))
        .hasMessageContaining("environment variable MW_KEY").hasMessageNotContaining("c2VjcmV0");
  }

  @Test
  void loadingAnExistingKeyFile_writesNothingBesideIt_soItMayLiveOnAReadOnlySecretsMount() throws Exception {
    Path secrets = dir.resolve("secrets");
    Path file = secrets.resolve("master.key");
    String id = MasterKey.loadOrCreate(file, random).activeKeyId();
    Files.delete(secrets.resolve("master.key.lock"));
    try (var listing = Files.list(secrets)) {
      assertThat(listing.toList()).containsExactly(file);
    }
    assertThat(MasterKey.loadOrCreate(file, random).activeKeyId()).isEqualTo(id);
    try (var listing = Files.list(secrets)) {
      assertThat(listing.toList()).as("no lock or temporary file written").containsExactly(file);
    }
  }
}
