package org.mailward.admin.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.mailward.api.TenantId;

/**
 * Admin bearer tokens, kept hashed in one file (mode 0600): a line per token with its id, role,
 * tenant ({@code -} for none), creation time and the SHA-256 of its 256-bit random secret. A token
 * is {@code mwt_<id>_<secret>}; it is shown once when created and cannot be recovered. A random
 * 256-bit secret needs no slow password hash: SHA-256 of it cannot be reversed or guessed.
 *
 * <p>The file is re-read when its modification time changes, so {@code mailward admin-token
 * create} (another process) takes effect on a running relay. Writes replace the file atomically.
 * Tokens are per node on purpose (they grant access to this node's API), so they are not
 * control-plane records.
 */
public final class AdminTokens {
  private static final String PREFIX = "mwt_";
  private final Path file;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private volatile Loaded loaded = new Loaded(FileTime.fromMillis(-1), List.of());

  /** A stored token: never its secret. */
  public record Stored(String id, Role role, Optional<TenantId> tenant, Instant created, String sha256) {}

  /** A token as created: the secret is in {@code token}, shown once. */
  public record Created(Stored stored, String token) {}

  private record Loaded(FileTime modified, List<Stored> tokens) {}

  public AdminTokens(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  public boolean exists() {
    return Files.exists(file);
  }

  public synchronized Created create(Role role, Optional<TenantId> tenant) {
    byte[] idBytes = new byte[6];
    byte[] secret = new byte[32];
    random.nextBytes(idBytes);
    random.nextBytes(secret);
    String id = HexFormat.of().formatHex(idBytes);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Stored s = new Stored(id, role, tenant, clock.instant(), sha256(secretText));
    List<Stored> all = new ArrayList<>(list());
    all.add(s);
    save(all);
    return new Created(s, PREFIX + id + "_" + secretText);
  }

  /** Removes a token; false when there was none with that id. */
  public synchronized boolean revoke(String id) {
    List<Stored> all = new ArrayList<>(list());
    boolean removed = all.removeIf(s -> s.id().equals(id));
    if (removed) {
      save(all);
    }
    return removed;
  }

  public List<Stored> list() {
    return current().tokens();
  }

  /** The principal a presented token stands for, if it is one of ours (constant-time comparison of the hash). */
  public Optional<Principal> authenticate(String presented) {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
      return Optional.empty();
    }
    String rest = presented.substring(PREFIX.length());
    int sep = rest.indexOf('_');
    if (sep <= 0) {
      return Optional.empty();
    }
    String id = rest.substring(0, sep);
    byte[] hash = sha256(rest.substring(sep + 1)).getBytes(StandardCharsets.US_ASCII);
    for (Stored s : current().tokens()) {
      if (s.id().equals(id) && MessageDigest.isEqual(hash, s.sha256().getBytes(StandardCharsets.US_ASCII))) {
        return Optional.of(new Principal(s.id(), s.role(), s.tenant()));
      }
    }
    return Optional.empty();
  }

  private Loaded current() {
    try {
      if (!Files.exists(file)) {
        return new Loaded(FileTime.fromMillis(-1), List.of());
      }
      FileTime modified = Files.getLastModifiedTime(file);
      Loaded l = loaded;
      if (!modified.equals(l.modified())) {
        l = new Loaded(modified, parse(Files.readAllLines(file, StandardCharsets.US_ASCII)));
        loaded = l;
      }
      return l;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the admin token file " + file, e);
    }
  }

  private List<Stored> parse(List<String> lines) {
    List<Stored> out = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split(" ");
      if (f.length != 5) {
        throw new IllegalStateException("malformed line in " + file + " (expected: id role tenant created sha256)");
      }
      out.add(new Stored(f[0], Role.fromLabel(f[1]), f[2].equals("-") ? Optional.empty() : Optional.of(new TenantId(f[2])),
          Instant.parse(f[3]), f[4]));
    }
    return List.copyOf(out);
  }

  private void save(List<Stored> tokens) {
    StringBuilder b = new StringBuilder("# Mailward admin tokens: id role tenant created sha256(secret). Managed by 'mailward admin-token'.\n");
    for (Stored s : tokens) {
      b.append(s.id()).append(' ').append(s.role().label()).append(' ').append(s.tenant().map(TenantId::value).orElse("-"))
          .append(' ').append(s.created()).append(' ').append(s.sha256()).append('\n');
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // non-POSIX file system: nothing stronger to do
      }
      Files.writeString(tmp, b, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      loaded = new Loaded(FileTime.fromMillis(-1), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin token file " + file, e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
