// The audit chain's HMAC-SHA-256 key: 32 random bytes in a file of its own
// (one line, "mailward-audit-hmac-sha256 BASE64", mode 0600), created on first use
// and kept with the keys, not with the journal. With it, the chain resists a
// rewrite: whoever can write the journal but lacks the key cannot recompute
// valid MACs for edited, replaced or appended records. An auditor who holds a
// copy of the key verifies the journal independently (bin/mailward audit-verify).
// Does not: rotate the key (a new key starts a new chain; docs/operations.md).
package org.mailward.queue.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** An immutable key; {@link #newMac()} gives each thread its own Mac. */
public final class AuditKey {
  static final String MAGIC = "mailward-audit-hmac-sha256";
  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;

  private AuditKey(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /** Reads the key file, or creates it (0600, in a 0700 directory) when it does not exist. */
  public static AuditKey loadOrCreate(Path file, SecureRandom random) {
    try {
      if (!Files.exists(file)) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.exists(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = Files.createTempFile(dir, ".audit-key", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, MAGIC + " " + Base64.getEncoder().encodeToString(k) + "\n");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (var d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
          d.force(true); // the new name survives a power cut
        }
      }
      return load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("audit key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads an existing key file (an auditor's copy). */
  public static AuditKey load(Path file) throws IOException {
    String line = Files.readString(file, StandardCharsets.US_ASCII).trim();
    String[] parts = line.split(" ");
    if (parts.length != 2 || !parts[0].equals(MAGIC)) {
      throw new IOException("not a Mailward audit key (expected one line '" + MAGIC + " BASE64')");
    }
    byte[] k = Base64.getDecoder().decode(parts[1]);
    if (k.length < 32) {
      throw new IOException("audit key too short: " + k.length + " bytes, need 32");
    }
    return new AuditKey(k);
  }

  /** A Mac under this key; not thread-safe, one per thread. */
  Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
