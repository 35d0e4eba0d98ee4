// Small text files holding secrets (key rings), changed safely: an exclusive lock on
// a sibling "<file>.lock" so two processes (the relay and `bin/mailward keys ...`)
// never lose each other's change, and a replacement that a crash or power cut leaves
// either old or new: temporary file (mode 0600) written and fsynced, renamed over the
// file, directory fsynced. Does not: choose the format or check permissions on read.
package org.mailward.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

public final class SecretFiles {
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private SecretFiles() {}

  /** A held lock; closing it releases the lock and its channel. */
  public interface Lock extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** An exclusive lock on {@code <file>.lock} (created 0600); closing it releases the lock and its channel. */
  public static Lock lock(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    DurableDirectories.create(dir);
    FileChannel ch = FileChannel.open(dir.resolve(file.getFileName() + ".lock"),
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OWNER_ONLY);
    FileLock lock;
    try {
      lock = ch.lock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return () -> {
      try {
        lock.release();
      } finally {
        ch.close();
      }
    };
  }

  /** Replaces {@code file} by {@code lines} (US-ASCII), durably and atomically, mode 0600. */
  public static void replace(Path file, List<String> lines) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    DurableDirectories.create(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", OWNER_ONLY);
    Files.write(tmp, lines, StandardCharsets.US_ASCII);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableDirectories.sync(dir); // the rename is durable only once its directory is
  }
}
