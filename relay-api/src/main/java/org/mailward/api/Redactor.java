package org.mailward.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place that turns an address (or other identifier) into a stable,
 * keyed token for logs and audit records: HMAC-SHA-256 under a secret key,
 * truncated. Without the key a token reveals nothing.
 */
public final class Redactor {
  private final SecretKeySpec key;

  public Redactor(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("redactor key needs at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** The full 32-byte keyed hash, for store keys. */
  public byte[] hash(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A short token (16 hex characters) for logs and audit facts. */
  public String token(String value) {
    return HexFormat.of().formatHex(hash(value), 0, 8);
  }

  /** Token of a normalised address. */
  public String token(EmailAddress address) {
    return token(address.normalized());
  }
}
