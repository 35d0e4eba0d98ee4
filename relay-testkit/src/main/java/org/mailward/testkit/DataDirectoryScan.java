package org.mailward.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A {@code grep -r}/{@code strings}-style scan for the at-rest tests: which needles occur, as ASCII
 * or as UTF-16LE (as some tools write), in which regular files under a directory. Each file is read
 * once, whole (data directories of tests are small). Does not: decompress anything.
 */
public final class DataDirectoryScan {
  private DataDirectoryScan() {}

  /** Needle to the files (relative to {@code root}) holding it; absent needles are not keys. */
  public static Map<String, List<Path>> scan(Path root, List<String> needles) throws IOException {
    Map<String, List<Path>> hits = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String n : needles) {
          String utf16 = new String(n.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1);
          if (content.contains(n) || content.contains(utf16)) {
            hits.computeIfAbsent(n, k -> new ArrayList<>()).add(root.relativize(f));
          }
        }
      }
    }
    return hits;
  }
}
