// Seals and opens one body frame with AES-256-GCM. Each frame has its own
// nonce (message nonce prefix || 64-bit frame index) and its AAD binds it to
// its place: message id || frame index || last flag. A frame moved to another
// message or position, a dropped tail (no frame flagged last) or a flipped bit
// fails to open. The message's envelope is sealed the same way at a frame index
// no body frame uses (RECORD_INDEX, flagged last), once per message, so the
// nonce is never reused under the key. Not thread-safe: one instance per writer
// or reader.
package org.mailward.queue.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.mailward.api.MessageId;

public final class FrameCipher {
  public static final int TAG_BYTES = 16;
  /** The frame index the envelope is sealed at: body frames count up from 0 and never reach it. */
  public static final long RECORD_INDEX = -1L;

  private final DataKey key;
  private final MessageId id;
  private final Cipher cipher;
  private final byte[] nonce = new byte[12];
  private final byte[] aad = new byte[16 + 8 + 1];

  public FrameCipher(DataKey key, MessageId id) {
    this.key = key;
    this.id = id;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM unavailable", e);
    }
  }

  /** Encrypts {@code len} bytes; the result is ciphertext followed by the 16-byte tag. */
  public byte[] seal(byte[] plain, int off, int len, long index, boolean last) {
    try {
      init(Cipher.ENCRYPT_MODE, index, last);
      return cipher.doFinal(plain, off, len);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("frame seal failed", e);
    }
  }

  /**
   * Encrypts {@code len} bytes into {@code out} (ciphertext then the 16-byte tag,
   * {@code len + TAG_BYTES} bytes); returns that length.
   */
  public int seal(byte[] plain, int off, int len, byte[] out, long index, boolean last) {
    try {
      init(Cipher.ENCRYPT_MODE, index, last);
      return cipher.doFinal(plain, off, len, out, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("frame seal failed", e);
    }
  }

  /** Seals the message's envelope record (once per message: its nonce is the reserved {@link #RECORD_INDEX}). */
  public byte[] sealRecord(byte[] plain) {
    return seal(plain, 0, plain.length, RECORD_INDEX, true);
  }

  /** Opens what {@link #sealRecord} sealed. */
  public byte[] openRecord(byte[] sealed) throws AEADBadTagException {
    return open(sealed, RECORD_INDEX, true);
  }

  /** Decrypts and authenticates {@code len} sealed bytes into {@code out}; returns the plaintext length. */
  public int open(byte[] sealed, int len, byte[] out, long index, boolean last) throws AEADBadTagException {
    try {
      init(Cipher.DECRYPT_MODE, index, last);
      return cipher.doFinal(sealed, 0, len, out, 0);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("frame open failed", e);
    }
  }

  /** Decrypts and authenticates a frame sealed at {@code index} with this {@code last} flag. */
  public byte[] open(byte[] sealed, long index, boolean last) throws AEADBadTagException {
    try {
      init(Cipher.DECRYPT_MODE, index, last);
      return cipher.doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("frame open failed", e);
    }
  }

  private void init(int mode, long index, boolean last) throws GeneralSecurityException {
    ByteBuffer.wrap(nonce).putInt(key.noncePrefix()).putLong(index);
    ByteBuffer.wrap(aad).putLong(id.msb()).putLong(id.lsb()).putLong(index).put((byte) (last ? 1 : 0));
    cipher.init(mode, key.key(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
    cipher.updateAAD(aad);
  }
}
