// Free bytes on the spool's file system. The real one asks the FileStore;
// tests may substitute a failing or shrinking disk.
package org.mailward.queue.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

@FunctionalInterface
public interface FreeSpace {
  long freeBytes();

  static FreeSpace of(Path directory) {
    try {
      FileStore store = Files.getFileStore(directory);
      return () -> {
        try {
          return store.getUsableSpace();
        } catch (IOException e) {
          return 0;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + directory, e);
    }
  }
}
