package org.mailward.api;

import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Port: the master keys that wrap the spool's per-message data keys (envelope
 * encryption). The queue module's {@code MasterKey} keeps them in a key file or reads
 * them from an environment variable; a KMS or HSM provider implements the same
 * operations with the key material staying in the KMS (wrap and unwrap become KMS
 * calls, {@link #rotate()} creates a key version, {@link #destroy} schedules deletion).
 *
 * <p>Every wrapped blob names the key that wrapped it ({@link #keyIdOf}), so the spool
 * can re-wrap what an older key holds and tell when nothing refers to it any more.
 * Implementations are thread-safe; {@link #wrap}/{@link #unwrap} run on the spool's
 * hot path (one call per message) and must not block on anything slower than a
 * local cache.
 */
public interface MasterKeyring {
  /** The key that wraps new data keys. */
  String activeKeyId();

  /** Every key this ring can still unwrap with. */
  Set<String> keyIds();

  /** The data key wrapped under the active key, tagged with that key's id. */
  byte[] wrap(SecretKey dataKey);

  /** Unwraps with whichever key wrapped it; fails when that key is gone or the blob was altered. */
  SecretKey unwrap(byte[] wrapped);

  /** The id of the key that wrapped {@code wrapped}, without unwrapping. */
  String keyIdOf(byte[] wrapped);

  /** Re-reads the keys from their source; returns true when the active key changed. */
  boolean refresh();

  /**
   * Creates a new active key for new data keys; older keys stay for unwrapping.
   * Returns its id. Throws {@link UnsupportedOperationException} (saying what to do
   * instead) when the source is read-only, such as an environment variable.
   */
  String rotate();

  /**
   * Destroys a key that is not active and that no stored data key refers to any more
   * (the caller has checked). Read-only sources throw {@link UnsupportedOperationException}.
   */
  void destroy(String keyId);
}
