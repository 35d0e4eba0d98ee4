// The master keyring: 256-bit AES keys in one key file, newest last. The newest
// key wraps new data keys (AES Key Wrap, RFC 3394); every key in the ring can
// still unwrap, so a rotation never strands spooled mail. Each wrapped key
// carries the id of the key that wrapped it.
//
// File format (text, mode 0600, created on first use):
//   # comment lines
//   mwk1 <8-hex key id> <base64 key>
// Does not: protect the file (that is the operator's file system) or talk to a KMS.
package org.mailward.queue.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.mailward.queue.DurableDirectories;

public final class MasterKey {
  private static final String MAGIC = "mwk1";
  private static final int KEY_BYTES = 32;

  private final Path file;
  private final Map<String, SecretKeySpec> ring;
  private final String activeId;

  private MasterKey(Path file, Map<String, SecretKeySpec> ring, String activeId) {
    this.file = file;
    this.ring = ring;
    this.activeId = activeId;
  }

  /** Loads the keyring, creating it with one fresh key (mode 0600) when the file does not exist. */
  public static MasterKey loadOrCreate(Path file, SecureRandom random) {
    try {
      if (!Files.exists(file)) {
        writeRing(file, List.of(newLine(random)));
      }
      return load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("master key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Adds a new active key; older keys stay for unwrapping. Returns the rotated keyring. */
  public MasterKey rotate(SecureRandom random) {
    try {
      List<String> lines = new ArrayList<>();
      for (var e : ring.entrySet()) {
        lines.add(MAGIC + " " + e.getKey() + " " + Base64.getEncoder().encodeToString(e.getValue().getEncoded()));
      }
      lines.add(newLine(random));
      writeRing(file, lines);
      return load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("master key file " + file + ": " + e.getMessage(), e);
    }
  }

  public String activeKeyId() {
    return activeId;
  }

  /** {@code [id length][id][AES-KW(dataKey)]} under the active key. */
  public byte[] wrap(SecretKey dataKey) {
    try {
      Cipher c = Cipher.getInstance("AESWrap");
      c.init(Cipher.WRAP_MODE, ring.get(activeId));
      byte[] wrapped = c.wrap(dataKey);
      byte[] id = activeId.getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[1 + id.length + wrapped.length];
      out[0] = (byte) id.length;
      System.arraycopy(id, 0, out, 1, id.length);
      System.arraycopy(wrapped, 0, out, 1 + id.length, wrapped.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES key wrap failed", e);
    }
  }

  /** Unwraps with whichever ring key wrapped it; fails when that key is gone or the blob was altered. */
  public SecretKey unwrap(byte[] blob) {
    int idLen = blob[0];
    String id = new String(blob, 1, idLen, StandardCharsets.US_ASCII);
    SecretKeySpec kek = ring.get(id);
    if (kek == null) {
      throw new IllegalStateException("master key " + id + " is not in the keyring");
    }
    try {
      Cipher c = Cipher.getInstance("AESWrap");
      c.init(Cipher.UNWRAP_MODE, kek);
      byte[] wrapped = java.util.Arrays.copyOfRange(blob, 1 + idLen, blob.length);
      return (SecretKey) c.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("data key unwrap failed (wrong key or altered record)", e);
    }
  }

  private static MasterKey load(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      throw new IllegalStateException("master key file " + file + " must not be readable by group or others (chmod 600)");
    }
    Map<String, SecretKeySpec> ring = new LinkedHashMap<>();
    String last = null;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] parts = t.split(" ");
      if (parts.length != 3 || !parts[0].equals(MAGIC)) {
        throw new IllegalStateException("master key file " + file + ": malformed line");
      }
      byte[] key = Base64.getDecoder().decode(parts[2]);
      if (key.length != KEY_BYTES) {
        throw new IllegalStateException("master key file " + file + ": key " + parts[1] + " is not 256 bits");
      }
      ring.put(parts[1], new SecretKeySpec(key, "AES"));
      last = parts[1];
    }
    if (last == null) {
      throw new IllegalStateException("master key file " + file + " holds no key");
    }
    return new MasterKey(file, ring, last);
  }

  private static String newLine(SecureRandom random) {
    byte[] id = new byte[4];
    random.nextBytes(id);
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return MAGIC + " " + HexFormat.of().formatHex(id) + " " + Base64.getEncoder().encodeToString(key);
  }

  private static void writeRing(Path file, List<String> lines) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    DurableDirectories.create(dir);
    Path tmp = Files.createTempFile(dir, ".masterkey", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    List<String> out = new ArrayList<>();
    out.add("# Mailward master keyring: newest key last. Keep secret; losing it loses the spool.");
    out.addAll(lines);
    Files.write(tmp, out, StandardCharsets.US_ASCII);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableDirectories.sync(dir); // the rename is durable only once its directory is
  }
}
