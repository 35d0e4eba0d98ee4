// A message's data key: a fresh AES-256 key plus a random 32-bit nonce prefix.
// Stored only wrapped by the master key; deleting the wrapped form shreds the body.
package org.mailward.queue.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.mailward.api.MasterKeyring;

public record DataKey(SecretKey key, int noncePrefix) {

  public static DataKey generate(SecureRandom random) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return new DataKey(new SecretKeySpec(k, "AES"), random.nextInt());
  }

  /** {@code [nonce prefix 4][master-wrapped key]} for the keys column family. */
  public byte[] toStored(MasterKeyring master) {
    byte[] wrapped = master.wrap(key);
    return ByteBuffer.allocate(4 + wrapped.length).putInt(noncePrefix).put(wrapped).array();
  }

  public static DataKey fromStored(byte[] stored, MasterKeyring master) {
    ByteBuffer b = ByteBuffer.wrap(stored);
    int prefix = b.getInt();
    byte[] wrapped = new byte[b.remaining()];
    b.get(wrapped);
    return new DataKey(master.unwrap(wrapped), prefix);
  }

  /** The id of the master key that wrapped a stored data key. */
  public static String masterKeyIdOf(byte[] stored, MasterKeyring master) {
    return master.keyIdOf(Arrays.copyOfRange(stored, 4, stored.length));
  }

  /** The stored form re-wrapped under the active master key (same data key, same nonce prefix). */
  public static byte[] rewrap(byte[] stored, MasterKeyring master) {
    return fromStored(stored, master).toStored(master);
  }

  @Override
  public String toString() {
    return "DataKey[redacted]";
  }
}
