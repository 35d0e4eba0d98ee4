package org.mailward.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and resident memory of a process and all its descendants, from
 * /proc (Linux only). CPU counts utime+stime of live processes plus
 * cutime+cstime, so children that exited and were reaped inside the tree
 * (Postfix's smtpd, cleanup, smtp) still count. Reads only; never signals.
 */
final class ProcessTree {
  private static final double TICKS_PER_SECOND = 100.0; // CLK_TCK on Linux x86-64
  private static final long PAGE = 4096;

  private final long root;

  ProcessTree(long root) {
    this.root = root;
  }

  /** CPU seconds used so far by the tree (user + system). */
  double cpuSeconds() {
    long ticks = 0;
    for (long pid : members()) {
      long[] s = stat(pid);
      if (s != null) {
        ticks += s[0] + s[1] + s[2] + s[3];
      }
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** Resident set size of the whole tree now, in bytes. */
  long rssBytes() {
    long total = 0;
    for (long pid : members()) {
      try {
        String[] f = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).trim().split(" ");
        total += Long.parseLong(f[1]) * PAGE;
      } catch (IOException | RuntimeException gone) {
        // exited between listing and reading
      }
    }
    return total;
  }

  List<Long> members() {
    Map<Long, List<Long>> children = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : ds) {
        long pid = Long.parseLong(p.getFileName().toString());
        long ppid = ppid(pid);
        if (ppid > 0) {
          children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid);
        }
      }
    } catch (IOException e) {
      return List.of(root);
    }
    List<Long> out = new ArrayList<>();
    List<Long> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      long p = todo.remove(todo.size() - 1);
      out.add(p);
      todo.addAll(children.getOrDefault(p, List.of()));
    }
    return out;
  }

  private static String statLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long ppid(long pid) {
    String s = statLine(pid);
    if (s == null) {
      return -1;
    }
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[1]);
  }

  /** utime, stime, cutime, cstime in ticks (fields 14-17 of /proc/PID/stat). */
  private static long[] stat(long pid) {
    String s = statLine(pid);
    if (s == null) {
      return null;
    }
    // after "pid (comm) " the fields start at 3 (state); utime is field 14 → index 11
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
  }

  /** The 1-minute load average. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
