package org.mailward.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a short while, that a password was verified against a stored
 * PHC hash, so that an ESP opening hundreds of connections does not pay an
 * Argon2id verification (tens of milliseconds of CPU and 64 MiB) on every AUTH —
 * the same idea as Dovecot's auth cache. Entries are HMAC-SHA-256 digests of
 * (stored hash, password) under a random key that lives only in this process;
 * neither passwords nor reusable hashes are kept. A changed stored hash misses
 * by construction. Bounded (LRU) and expiring; only successes are cached.
 */
final class VerifiedCredentials {
  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration ttl;
  private final int maxEntries;
  private final Map<String, Long> expiries;

  VerifiedCredentials(Clock clock, Duration ttl, int maxEntries) {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    this.key = new SecretKeySpec(k, "HmacSHA256");
    this.clock = clock;
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.expiries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > VerifiedCredentials.this.maxEntries;
      }
    };
  }

  /** Whether this password was verified against this stored hash within the TTL. */
  boolean recentlyVerified(String storedHash, char[] password) {
    if (ttl.isZero()) {
      return false;
    }
    String d = digest(storedHash, password);
    long now = clock.millis();
    synchronized (expiries) {
      Long until = expiries.get(d);
      if (until == null) {
        return false;
      }
      if (until < now) {
        expiries.remove(d);
        return false;
      }
      return true;
    }
  }

  void remember(String storedHash, char[] password) {
    if (ttl.isZero()) {
      return;
    }
    String d = digest(storedHash, password);
    synchronized (expiries) {
      expiries.put(d, clock.millis() + ttl.toMillis());
    }
  }

  private String digest(String storedHash, char[] password) {
    ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[pw.remaining()];
    pw.get(bytes);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(storedHash.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (pw.hasArray()) {
        Arrays.fill(pw.array(), (byte) 0);
      }
    }
  }
}
