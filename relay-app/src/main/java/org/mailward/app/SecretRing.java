package org.mailward.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.mailward.queue.SecretFiles;

/**
 * A file of HMAC secrets that rotate with an overlap: the unsubscribe-token secret
 * ({@code policy.tokenSecretFile}). One active secret signs; each retired secret still
 * verifies until {@code overlap} (the token lifetime) after its retirement, so links
 * already sent keep working until they expire; after that it is deleted from the file
 * the next time the ring is read. Text, mode 0600, newest last:
 * <pre>
 * # comment
 * mws1 &lt;id&gt; &lt;base64 secret&gt; retired &lt;epoch second&gt;
 * mws1 &lt;id&gt; &lt;base64 secret&gt; active
 * </pre>
 * A file of raw bytes (the first version's format) is one active secret; the first
 * rotation rewrites it in this format. Every change writes a temporary file, fsyncs it,
 * renames it over the ring and fsyncs the directory, under a lock on {@code <file>.lock}.
 * Does not: reload a running relay (restart it after a rotation; see docs/configuration.md).
 */
final class SecretRing {
  private static final String HEADER = "# Mailward secret ring: newest last; retired secrets verify until their overlap ends.";
  private static final String MAGIC = "mws1";
  private static final int BYTES = 32;

  /** What a relay uses: the active secret and the retired ones still inside their overlap. */
  record Secrets(byte[] active, List<byte[]> retired) {}

  private record Entry(String id, byte[] secret, Instant retiredAt) {
    String line() {
      return MAGIC + " " + id + " " + Base64.getEncoder().encodeToString(secret)
          + (retiredAt == null ? " active" : " retired " + retiredAt.getEpochSecond());
    }
  }

  private SecretRing() {}

  /** Reads the ring (creating it with one fresh secret), deleting retired secrets whose overlap has ended. */
  static Secrets loadOrCreate(Path file, Duration overlap, Clock clock) throws IOException {
    try (SecretFiles.Lock lock = lock(file)) {
      if (!Files.exists(file)) {
        write(file, List.of(fresh(null)));
      }
      List<Entry> entries = read(file);
      List<Entry> kept = unexpired(entries, overlap, clock);
      if (kept.size() != entries.size()) {
        write(file, kept);
      }
      Entry active = kept.get(kept.size() - 1);
      return new Secrets(active.secret(), kept.subList(0, kept.size() - 1).stream().map(Entry::secret).toList());
    }
  }

  /** Retires the active secret (verify-only for {@code overlap}) and adds a new active one; returns its id. */
  static String rotate(Path file, Duration overlap, Clock clock) throws IOException {
    try (SecretFiles.Lock lock = lock(file)) {
      if (!Files.exists(file)) {
        throw new IOException(file + " does not exist: nothing to rotate (it is created at the relay's first start)");
      }
      List<Entry> entries = new ArrayList<>(unexpired(read(file), overlap, clock));
      Entry active = entries.remove(entries.size() - 1);
      entries.add(new Entry(active.id(), active.secret(), clock.instant()));
      Entry next = fresh(null);
      entries.add(next);
      write(file, entries);
      return next.id();
    }
  }

  private static List<Entry> unexpired(List<Entry> entries, Duration overlap, Clock clock) {
    Instant now = clock.instant();
    return entries.stream().filter(e -> e.retiredAt() == null || e.retiredAt().plus(overlap).isAfter(now)).toList();
  }

  private static List<Entry> read(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    if (!text.startsWith(HEADER)) { // the first version's file: raw random bytes, one secret
      if (raw.length < 16) {
        throw new IOException(file + " holds fewer than 16 bytes; delete it to generate a new secret");
      }
      return List.of(new Entry("00000000", raw, null));
    }
    List<Entry> entries = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] p = t.split(" ");
      boolean active = p.length == 4 && p[3].equals("active");
      boolean retired = p.length == 5 && p[3].equals("retired");
      if (!p[0].equals(MAGIC) || !(active || retired)) {
        throw new IOException(file + " line " + lineNo + ": malformed (expected: " + MAGIC + " <id> <base64> active|retired <epoch>)");
      }
      byte[] secret;
      try {
        secret = Base64.getDecoder().decode(p[2]);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + lineNo + ": the secret is not base64");
      }
      entries.add(new Entry(p[1], secret, retired ? Instant.ofEpochSecond(Long.parseLong(p[4])) : null));
    }
    if (entries.isEmpty() || entries.get(entries.size() - 1).retiredAt() != null) {
      throw new IOException(file + ": the last secret must be the active one");
    }
    return entries;
  }

  private static Entry fresh(Instant retiredAt) {
    SecureRandom random = new SecureRandom();
    byte[] id = new byte[4];
    random.nextBytes(id);
    byte[] secret = new byte[BYTES];
    random.nextBytes(secret);
    return new Entry(HexFormat.of().formatHex(id), secret, retiredAt);
  }

  private static void write(Path file, List<Entry> entries) throws IOException {
    FirstStart.privateDirectory(file.toAbsolutePath().getParent());
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    entries.forEach(e -> lines.add(e.line()));
    SecretFiles.replace(file, lines);
  }

  private static SecretFiles.Lock lock(Path file) throws IOException {
    FirstStart.privateDirectory(file.toAbsolutePath().getParent());
    return SecretFiles.lock(file);
  }
}
