package org.mailward.policy.consent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.mailward.api.Redactor;

/**
 * Seals an authorization's evidence (a form id, a scan's hash — and, whatever the docs ask, at
 * times a person's name) for the consent store: AES-256-GCM, a random 96-bit nonce per record, the
 * record's store key (tenant and recipient hash) as AAD so a sealed value moved to another record
 * fails to open. Sealed form: key id (8 bytes), nonce (12), ciphertext with its 16-byte tag.
 *
 * <p>The key is derived from the redactor key, which the policy module already holds:
 * {@code HKDF-Expand(PRK = redactor key, info = }{@value #INFO}{@code , L = 32)} (RFC 5869; one block,
 * i.e. {@code HMAC-SHA-256(redactor key, info || 0x01)}; Extract is skipped because the redactor key
 * is already a uniformly random 32-byte secret). So rotating the redactor key re-keys the evidence too:
 * {@link RedactorRekeying} re-seals every record under the new key. The key id is a further
 * derivation, naming the key without revealing it. Does not: hold keys in a file of its own, or seal
 * anything but evidence (addresses are never in the store; suppression sources are reason codes).
 */
final class EvidenceSeal {
  static final String INFO = "mailward consent evidence key 1";
  static final int KEY_ID_BYTES = 8;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final byte[] keyId;
  private final SecureRandom random = new SecureRandom();

  EvidenceSeal(Redactor redactor) {
    this.key = new SecretKeySpec(redactor.hash(INFO + "\u0001"), "AES");
    this.keyId = Arrays.copyOf(redactor.hash("mailward consent evidence key id 1"), KEY_ID_BYTES);
  }

  byte[] keyId() {
    return keyId.clone();
  }

  boolean sealedBy(byte[] sealed) {
    return sealed.length >= KEY_ID_BYTES && Arrays.equals(sealed, 0, KEY_ID_BYTES, keyId, 0, KEY_ID_BYTES);
  }

  byte[] seal(String evidence, byte[] storeKey) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(storeKey);
      byte[] data = c.doFinal(evidence.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(KEY_ID_BYTES + NONCE_BYTES + data.length).put(keyId).put(nonce).put(data).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** Opens what {@link #seal} made for the same store key; throws when the key or the record does not match. */
  String open(byte[] sealed, byte[] storeKey) {
    if (!sealedBy(sealed)) {
      throw new IllegalStateException("consent evidence sealed under another key (a redactor key not loaded)");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, KEY_ID_BYTES, NONCE_BYTES));
      c.updateAAD(storeKey);
      byte[] plain = c.doFinal(sealed, KEY_ID_BYTES + NONCE_BYTES, sealed.length - KEY_ID_BYTES - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException("consent evidence does not open: altered, or moved from another record", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }
}
