package org.mailward.policy.unsubscribe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;

/**
 * Mints and verifies one-click unsubscribe tokens: base64url of {@code version, tenant id, keyed
 * hash of the address (the registry key, reveals nothing without the key), purpose, expiry}
 * followed by a 128-bit HMAC-SHA-256 tag. PHI-free by construction: no address, no name, no text.
 *
 * <p>Secret rotation: new tokens are signed with the active secret; a token signed with a
 * retired secret (still held for the token lifetime after its retirement, so links already
 * sent keep working until they expire) verifies too. The token format names no key: each
 * held secret is tried, the active one first (one or two HMACs per click).
 */
public final class UnsubscribeTokens {
  private static final byte VERSION = 1;
  private static final int HASH = 32;
  private static final int TAG = 16;

  private final SecretKeySpec key;
  private final List<SecretKeySpec> retired;
  private final Clock clock;
  private final Duration lifetime;

  public UnsubscribeTokens(byte[] secret, Clock clock, Duration lifetime) {
    this(secret, List.of(), clock, lifetime);
  }

  /** @param retiredSecrets secrets that only verify (tokens minted before the last rotations) */
  public UnsubscribeTokens(byte[] secret, List<byte[]> retiredSecrets, Clock clock, Duration lifetime) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.retired = retiredSecrets.stream().map(r -> new SecretKeySpec(r.clone(), "HmacSHA256")).toList();
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** What a valid token says. */
  public record Claims(TenantId tenant, byte[] recipientHash, Purpose purpose, Instant expires) {}

  /** The outcome of checking a token. */
  public sealed interface Check {
    record Valid(Claims claims) implements Check {}

    record Expired(Claims claims) implements Check {}

    record Invalid(String reason) implements Check {}
  }

  public String mint(TenantId tenant, byte[] recipientHash, Purpose purpose) {
    if (recipientHash.length != HASH) {
      throw new IllegalArgumentException("recipient hash must have 32 bytes");
    }
    byte[] t = tenant.value().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + t.length + HASH + 1 + 8 + TAG);
    b.put(VERSION).put((byte) t.length).put(t).put(recipientHash).put((byte) purpose.ordinal())
        .putLong(clock.instant().plus(lifetime).getEpochSecond());
    byte[] tag = tag(key, b.array(), b.position());
    b.put(tag);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  public Check verify(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return new Check.Invalid("not base64url");
    }
    if (bytes.length < 2 || bytes[0] != VERSION) {
      return new Check.Invalid("unknown token version");
    }
    int tl = bytes[1] & 0xFF;
    int bodyLength = 2 + tl + HASH + 1 + 8;
    if (bytes.length != bodyLength + TAG) {
      return new Check.Invalid("wrong length");
    }
    if (!signedByAHeldSecret(bytes, bodyLength)) {
      return new Check.Invalid("bad signature");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 2, bodyLength - 2);
    byte[] t = new byte[tl];
    b.get(t);
    byte[] hash = new byte[HASH];
    b.get(hash);
    int p = b.get() & 0xFF;
    long expiry = b.getLong();
    if (p >= Purpose.values().length) {
      return new Check.Invalid("unknown purpose");
    }
    Claims claims;
    try {
      claims = new Claims(new TenantId(new String(t, StandardCharsets.US_ASCII)), hash, Purpose.values()[p],
          Instant.ofEpochSecond(expiry));
    } catch (IllegalArgumentException e) {
      return new Check.Invalid("bad tenant");
    }
    return clock.instant().isAfter(claims.expires()) ? new Check.Expired(claims) : new Check.Valid(claims);
  }

  private boolean signedByAHeldSecret(byte[] bytes, int bodyLength) {
    byte[] actual = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    if (MessageDigest.isEqual(tag(key, bytes, bodyLength), actual)) {
      return true;
    }
    for (SecretKeySpec r : retired) {
      if (MessageDigest.isEqual(tag(r, bytes, bodyLength), actual)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] tag(SecretKeySpec secret, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      mac.update(data, 0, length);
      return Arrays.copyOf(mac.doFinal(), TAG);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
