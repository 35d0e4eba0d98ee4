package org.mailward.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** What the bench's relays need from this machine: a free port on 127.0.0.1, and temp directories removed after a leg. */
final class LocalResources {
  private LocalResources() {}

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** Deletes a directory tree, best effort (a daemon may still be removing its sockets). */
  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      for (Path path : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException ignored) {
      // a temp directory: what is left is harmless
    }
  }
}
