// Directory entries made durable: creating, renaming or deleting a file changes its
// directory, and POSIX promises that change survives a power cut only after an fsync
// of that directory (ext4 usually keeps it anyway; other file systems and
// SpoolPowerCutIT's power-cut file system do not). Does not: sync file contents.
package org.mailward.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

public final class DurableDirectories {
  private DurableDirectories() {}

  /** fsync of the directory itself: its entries (names created, renamed, removed) become durable. */
  public static void sync(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** {@code Files.createDirectories}, with each directory it creates made durable in its parent. */
  public static void create(Path directory) throws IOException {
    Path abs = directory.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      create(parent);
    }
    try {
      Files.createDirectory(abs);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw e;
      }
      return;
    }
    if (parent != null) {
      sync(parent);
    }
  }
}
