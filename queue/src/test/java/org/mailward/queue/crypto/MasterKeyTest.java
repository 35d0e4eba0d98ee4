package org.mailward.queue.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
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
    MasterKey after = before.rotate(random);
    assertThat(after.activeKeyId()).isNotEqualTo(before.activeKeyId());
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
}
