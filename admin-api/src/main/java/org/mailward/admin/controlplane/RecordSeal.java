package org.mailward.admin.controlplane;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.mailward.api.MasterKeyring;

/**
 * Encrypts what a control-plane record says about a person (an address, consent evidence, an
 * import file) the way the spool seals envelopes: AES-256-GCM under a data key that the {@link
 * MasterKeyring} wraps. The wrapped data key travels in every sealed value ({@link Sealed#wrappedKey}),
 * so any node holding the same master keyring opens a record it did not write; nothing node-local
 * is needed. One data key per instance (per process), a random 96-bit nonce per value; the
 * additional data binds a value to its record type and tenant, so a sealed address cannot be moved
 * into another tenant's record unnoticed.
 *
 * <p>Does not: rotate the master key (the spool's re-wrap pass calls {@link #rewrap} for the log's
 * values through relay-app), or hash anything (the {@code Redactor} makes the lookup tokens).
 */
public final class RecordSeal {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int CACHE = 256;

  /** A sealed value: the master-wrapped data key, the GCM nonce, and ciphertext with its tag. */
  public record Sealed(byte[] wrappedKey, byte[] nonce, byte[] ciphertext) {}

  private final MasterKeyring ring;
  private final SecureRandom random;
  private final SecretKey dataKey;
  private final Map<ByteBuffer, SecretKey> unwrapped = new ConcurrentHashMap<>();
  private volatile Wrapped current;

  private record Wrapped(String masterKeyId, byte[] blob) {}

  public RecordSeal(MasterKeyring ring, SecureRandom random) {
    this.ring = ring;
    this.random = random;
    byte[] k = new byte[32];
    random.nextBytes(k);
    this.dataKey = new SecretKeySpec(k, "AES");
    this.current = new Wrapped(ring.activeKeyId(), ring.wrap(dataKey));
  }

  public Sealed seal(byte[] plaintext, byte[] aad) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      return new Sealed(wrappedDataKey(), nonce, c.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** Opens a value sealed here or on another node with the same master keyring; fails when it was altered. */
  public byte[] open(Sealed s, byte[] aad) {
    SecretKey key = unwrap(s.wrappedKey());
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, s.nonce()));
      c.updateAAD(aad);
      return c.doFinal(s.ciphertext());
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException("sealed control-plane value fails its integrity check", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The id of the master key that wrapped a value's data key. */
  public String masterKeyIdOf(byte[] wrappedKey) {
    return ring.keyIdOf(wrappedKey);
  }

  /** The same data key wrapped under the active master key (the ciphertext stays valid). */
  public byte[] rewrap(byte[] wrappedKey) {
    return ring.wrap(unwrap(wrappedKey));
  }

  /** The master key new values are wrapped under. */
  public String activeMasterKeyId() {
    return ring.activeKeyId();
  }

  private byte[] wrappedDataKey() {
    Wrapped w = current;
    String active = ring.activeKeyId();
    if (!w.masterKeyId().equals(active)) { // the master key rotated: wrap this process's data key under the new one
      w = new Wrapped(active, ring.wrap(dataKey));
      current = w;
    }
    return w.blob();
  }

  private SecretKey unwrap(byte[] wrappedKey) {
    ByteBuffer id = ByteBuffer.wrap(wrappedKey.clone());
    SecretKey k = unwrapped.get(id);
    if (k == null) {
      k = ring.unwrap(wrappedKey);
      if (unwrapped.size() >= CACHE) {
        unwrapped.clear(); // bounded: records of many past processes are rare and cheap to unwrap again
      }
      unwrapped.put(id, k);
    }
    return k;
  }
}
