// The master keyring (MasterKeyring port): 256-bit AES keys, newest last. The newest
// key wraps new data keys (AES Key Wrap, RFC 3394); every key in the ring can still
// unwrap, so a rotation never strands spooled mail. Each wrapped key carries the id
// of the key that wrapped it.
//
// Sources:
//   * a key file (text, mode 0600, created on first use; may live outside dataDir):
//       # comment lines
//       mwk1 <8-hex key id> <base64 key>
//     rotate() appends a key and destroy() removes one, each by writing a new file,
//     fsyncing it, renaming it over the old one and fsyncing the directory, under an
//     exclusive lock on <file>.lock, so a crash leaves the old or the new ring, and
//     `bin/mailward keys rotate-master` and a running relay never lose each other's change;
//   * an environment variable holding the same lines separated by ';' or newlines
//     (or one bare base64 key): read-only, rotated by the operator.
// A key removed from the file by hand stays in memory (unwrap only) until the process
// exits; destroy() forgets it in memory too.
// Does not: protect the file (the operator's file system) or talk to a KMS (another
// MasterKeyring implementation would).
package org.mailward.queue.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.mailward.api.MasterKeyring;
import org.mailward.queue.SecretFiles;

public final class MasterKey implements MasterKeyring {
  private static final String MAGIC = "mwk1";
  private static final int KEY_BYTES = 32;

  /** Where the keys come from. */
  private sealed interface Source {
    record KeyFile(Path file) implements Source {}

    record Environment(String variable) implements Source {}
  }

  /** One immutable view: the source's keys (newest last) plus keys forgotten by the source but still held. */
  private record Ring(Map<String, SecretKeySpec> keys, String activeId) {}

  private final Source source;
  private final SecureRandom random;
  private volatile Ring ring;

  private MasterKey(Source source, SecureRandom random, Ring ring) {
    this.source = source;
    this.random = random;
    this.ring = ring;
  }

  /**
   * Loads the keyring file, creating it with one fresh key (mode 0600) when it does not exist.
   * An existing file is only read, so it may sit on a read-only secrets mount (then rotate and
   * destroy fail, saying why).
   */
  public static MasterKey loadOrCreate(Path file, SecureRandom random) {
    try {
      if (!Files.exists(file)) {
        try (SecretFiles.Lock lock = lock(file)) {
          if (!Files.exists(file)) {
            writeRing(file, List.of(newLine(random)));
          }
        }
      }
      return new MasterKey(new Source.KeyFile(file), random, parse(readFile(file), "master key file " + file));
    } catch (IOException e) {
      throw new UncheckedIOException("master key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The keyring held in environment variable {@code variable} ({@code environment} is
   * normally {@code System.getenv()}): {@code mwk1 <id> <base64>} entries separated by
   * ';' or newlines, newest last, or a single bare base64 256-bit key.
   */
  public static MasterKey fromEnvironment(String variable, Map<String, String> environment, SecureRandom random) {
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + variable + " (the master key) is not set");
    }
    return new MasterKey(new Source.Environment(variable), random, parse(envLines(value), "environment variable " + variable));
  }

  /**
   * The keyring file after appending a new key: for a running relay it takes effect when its
   * spool next refreshes the ring. Returns the new key's id.
   */
  @Override
  public String rotate() {
    Path file = keyFile("rotate");
    try (SecretFiles.Lock lock = lock(file)) {
      List<String> lines = keyLines(readFile(file));
      String line = newLine(random);
      lines.add(line);
      writeRing(file, lines);
      refresh();
      return line.split(" ")[1];
    } catch (IOException e) {
      throw new UncheckedIOException("master key file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void destroy(String keyId) {
    Path file = keyFile("destroy");
    try (SecretFiles.Lock lock = lock(file)) {
      List<String> lines = keyLines(readFile(file));
      if (lines.isEmpty() || lines.get(lines.size() - 1).split(" ")[1].equals(keyId)) {
        throw new IllegalStateException("master key " + keyId + " is the active key; it cannot be destroyed");
      }
      if (lines.removeIf(l -> l.split(" ")[1].equals(keyId))) {
        writeRing(file, lines);
      }
      Map<String, SecretKeySpec> keys = new LinkedHashMap<>(ring.keys());
      keys.remove(keyId); // forgotten at once: the caller checked nothing refers to it
      ring = new Ring(Map.copyOf(keys), ring.activeId());
    } catch (IOException e) {
      throw new UncheckedIOException("master key file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean refresh() {
    Ring current = ring;
    if (!(source instanceof Source.KeyFile f)) {
      return false; // the process's environment does not change
    }
    Ring fresh;
    try {
      fresh = parse(readFile(f.file()), "master key file " + f.file());
    } catch (IOException e) {
      throw new UncheckedIOException("master key file " + f.file() + ": " + e.getMessage(), e);
    }
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>(current.keys()); // keep what we held (unwrap only) ...
    keys.putAll(fresh.keys()); // ... and add what the file has now
    ring = new Ring(Map.copyOf(keys), fresh.activeId());
    return !fresh.activeId().equals(current.activeId());
  }

  @Override
  public String activeKeyId() {
    return ring.activeId();
  }

  @Override
  public Set<String> keyIds() {
    return ring.keys().keySet();
  }

  /** Where the keys come from, for messages: the file path or the variable's name (never its value). */
  public String describeSource() {
    return source instanceof Source.KeyFile f ? "master key file " + f.file()
        : "environment variable " + ((Source.Environment) source).variable();
  }

  /** {@code [id length][id][AES-KW(dataKey)]} under the active key. */
  @Override
  public byte[] wrap(SecretKey dataKey) {
    Ring r = ring;
    try {
      Cipher c = Cipher.getInstance("AESWrap");
      c.init(Cipher.WRAP_MODE, r.keys().get(r.activeId()));
      byte[] wrapped = c.wrap(dataKey);
      byte[] id = r.activeId().getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[1 + id.length + wrapped.length];
      out[0] = (byte) id.length;
      System.arraycopy(id, 0, out, 1, id.length);
      System.arraycopy(wrapped, 0, out, 1 + id.length, wrapped.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES key wrap failed", e);
    }
  }

  @Override
  public String keyIdOf(byte[] blob) {
    return new String(blob, 1, blob[0], StandardCharsets.US_ASCII);
  }

  /** Unwraps with whichever ring key wrapped it; fails when that key is gone or the blob was altered. */
  @Override
  public SecretKey unwrap(byte[] blob) {
    int idLen = blob[0];
    String id = keyIdOf(blob);
    SecretKeySpec kek = ring.keys().get(id);
    if (kek == null) {
      throw new IllegalStateException("master key " + id + " is not in the keyring");
    }
    try {
      Cipher c = Cipher.getInstance("AESWrap");
      c.init(Cipher.UNWRAP_MODE, kek);
      byte[] wrapped = Arrays.copyOfRange(blob, 1 + idLen, blob.length);
      return (SecretKey) c.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("data key unwrap failed (wrong key or altered record)", e);
    }
  }

  private Path keyFile(String operation) {
    if (source instanceof Source.KeyFile f) {
      return f.file();
    }
    throw new UnsupportedOperationException("the master key comes from environment variable "
        + ((Source.Environment) source).variable() + ": to " + operation
        + " a key, edit its entries (newest last; see docs/spool.md) and restart");
  }

  private static List<String> readFile(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      throw new IllegalStateException("master key file " + file + " must not be readable by group or others (chmod 600)");
    }
    return Files.readAllLines(file, StandardCharsets.US_ASCII);
  }

  private static List<String> envLines(String value) {
    String v = value.strip();
    if (!v.contains(" ")) { // one bare base64 key: its id is derived from it
      byte[] key = decode(v, "environment variable");
      return List.of(MAGIC + " " + derivedId(key) + " " + v);
    }
    return Arrays.asList(v.split("[;\\n]"));
  }

  private static String derivedId(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> keyLines(List<String> lines) {
    List<String> keys = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        keys.add(t);
      }
    }
    return keys;
  }

  private static Ring parse(List<String> lines, String where) {
    Map<String, SecretKeySpec> ring = new LinkedHashMap<>();
    String last = null;
    for (String t : keyLines(lines)) {
      String[] parts = t.split(" ");
      if (parts.length != 3 || !parts[0].equals(MAGIC) || !parts[1].matches("[0-9a-f]{1,32}")) {
        throw new IllegalStateException(where + ": malformed line (expected: " + MAGIC + " <hex id> <base64 key>)");
      }
      byte[] key = decode(parts[2], where);
      if (key.length != KEY_BYTES) {
        throw new IllegalStateException(where + ": key " + parts[1] + " is not 256 bits");
      }
      ring.put(parts[1], new SecretKeySpec(key, "AES"));
      last = parts[1];
    }
    if (last == null) {
      throw new IllegalStateException(where + " holds no key");
    }
    return new Ring(Map.copyOf(ring), last);
  }

  private static byte[] decode(String base64, String where) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + ": a key is not base64");
    }
  }

  private static String newLine(SecureRandom random) {
    byte[] id = new byte[4];
    random.nextBytes(id);
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return MAGIC + " " + HexFormat.of().formatHex(id) + " " + Base64.getEncoder().encodeToString(key);
  }

  private static void writeRing(Path file, List<String> lines) throws IOException {
    List<String> out = new ArrayList<>();
    out.add("# Mailward master keyring: newest key last. Keep secret; losing it loses the spool.");
    out.addAll(lines);
    SecretFiles.replace(file, out);
  }

  private static SecretFiles.Lock lock(Path file) throws IOException {
    return SecretFiles.lock(file);
  }
}
