package org.mailward.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes and verifies passwords in PHC string format: {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}
 * (Bouncy Castle's Argon2) and {@code $pbkdf2-sha256$i=..$salt$hash} (also passlib's
 * {@code $pbkdf2-sha256$rounds$salt$hash} with its "." base64). CPU-heavy by design:
 * call it off the event loop. Comparison is constant-time; nothing is logged.
 */
public final class PasswordHasher {
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;
  private final SecureRandom random = new SecureRandom();

  /** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
  public PasswordHasher() {
    this(19 * 1024, 2, 1);
  }

  public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
    if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
      throw new IllegalArgumentException("invalid argon2 parameters");
    }
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** A new argon2id PHC string for {@code password} with a fresh 16-byte salt. */
  public String hash(char[] password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] out = argon2(password, salt, memoryKiB, iterations, parallelism, 32);
    return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt) + "$"
        + B64.encodeToString(out);
  }

  /** Whether {@code password} matches the PHC string; false for any malformed or unsupported string. */
  public boolean verify(String phc, char[] password) {
    try {
      String[] f = phc.split("\\$", -1);
      if (f.length == 6 && f[1].equals("argon2id") && f[2].equals("v=19")) {
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : f[3].split(",")) {
          String[] pair = kv.split("=", 2);
          int v = Integer.parseInt(pair[1]);
          switch (pair[0]) {
            case "m" -> m = v;
            case "t" -> t = v;
            case "p" -> p = v;
            default -> {
              return false;
            }
          }
        }
        if (m < 8 || m > 1 << 20 || t < 1 || t > 20 || p < 1 || p > 16) {
          return false;
        }
        byte[] salt = decode(f[4]);
        byte[] expected = decode(f[5]);
        if (expected.length < 16 || expected.length > 64) {
          return false;
        }
        return MessageDigest.isEqual(expected, argon2(password, salt, m, t, p, expected.length));
      }
      if (f.length == 5 && f[1].equals("pbkdf2-sha256")) {
        int rounds = Integer.parseInt(f[2].startsWith("i=") ? f[2].substring(2) : f[2]);
        if (rounds < 1 || rounds > 10_000_000) {
          return false;
        }
        byte[] salt = decode(f[3]);
        byte[] expected = decode(f[4]);
        if (expected.length < 16 || expected.length > 64) {
          return false;
        }
        return MessageDigest.isEqual(expected, pbkdf2(password, salt, rounds, expected.length));
      }
      return false;
    } catch (RuntimeException | GeneralSecurityException e) {
      return false;
    }
  }

  /** A PBKDF2-SHA256 PHC string; for operators migrating existing credentials and for tests. */
  public String hashPbkdf2(char[] password, int rounds) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    try {
      return "$pbkdf2-sha256$i=" + rounds + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(pbkdf2(password, salt, rounds, 32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }

  private static byte[] decode(String s) {
    return Base64.getDecoder().decode(s.replace('.', '+'));
  }

  private static byte[] argon2(char[] password, byte[] salt, int m, int t, int p, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(m).withIterations(t).withParallelism(p)
        .withSalt(salt).build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] pw = utf8(password);
    byte[] out = new byte[length];
    try {
      gen.generateBytes(pw, out);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    return out;
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int rounds, int length) throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(password, salt, rounds, length * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } finally {
      spec.clearPassword();
    }
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), (byte) 0);
    }
    return out;
  }
}
