// A message's data key: a fresh AES-256 key plus a random 32-bit nonce prefix.
// Stored only wrapped by the master key; deleting the wrapped form shreds the body.
package org.mailward.queue.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

public record DataKey(SecretKey key, int noncePrefix) {

  public static DataKey generate(SecureRandom random) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return new DataKey(new SecretKeySpec(k, "AES"), random.nextInt());
  }

  /** {@code [nonce prefix 4][master-wrapped key]} for the keys column family. */
  public byte[] toStored(MasterKey master) {
    byte[] wrapped = master.wrap(key);
    return ByteBuffer.allocate(4 + wrapped.length).putInt(noncePrefix).put(wrapped).array();
  }

  public static DataKey fromStored(byte[] stored, MasterKey master) {
    ByteBuffer b = ByteBuffer.wrap(stored);
    int prefix = b.getInt();
    byte[] wrapped = new byte[b.remaining()];
    b.get(wrapped);
    return new DataKey(master.unwrap(wrapped), prefix);
  }

  @Override
  public String toString() {
    return "DataKey[redacted]";
  }
}
