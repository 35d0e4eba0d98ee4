package org.mailward.queue.spool;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Starts a spool child JVM for the kill -9 tests (SpoolCrashCheck's command line, stderr to a file in
 * {@code dir}) and reads its stdout lines on a daemon thread. Does not kill it: the test does.
 */
final class ChildJvm {
  private ChildJvm() {}

  static Process start(Path dir, Class<?> main, String... args) throws java.io.IOException {
    return new ProcessBuilder(SpoolCrashCheck.childCommand(main, args))
        .redirectError(new File(dir.toFile(), "child-stderr.log")).start();
  }

  /** Hands every complete stdout line to {@code line} until the child dies. */
  static Thread readLines(Process child, Consumer<String> line) {
    Thread t = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
          line.accept(l);
        }
      } catch (java.io.IOException | IllegalArgumentException e) {
        // the child was killed mid-line: that line was never a full acknowledgement
      }
    }, "child-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
