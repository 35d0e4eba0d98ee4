package org.mailward.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/metrics.md as tests read it: a metric is documented when its exported
 * family name appears in back-quotes there, or when a documented prefix such as
 * {@code `jvm_*`} covers it.
 */
final class MetricsDocs {
  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) ");
  private static final Pattern QUOTED = Pattern.compile("`([a-z_:][a-z0-9_:]*\\*?)`");

  private MetricsDocs() {}

  static Path file() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs/metrics.md"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("docs/metrics.md");
  }

  /** Every name (or {@code prefix*}) quoted in docs/metrics.md. */
  static TreeSet<String> documented() {
    try {
      TreeSet<String> names = new TreeSet<>();
      Matcher m = QUOTED.matcher(Files.readString(file()));
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metric families of a Prometheus text scrape. */
  static TreeSet<String> families(String scrape) {
    TreeSet<String> names = new TreeSet<>();
    Matcher m = TYPE.matcher(scrape);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static boolean isDocumented(String family, TreeSet<String> documented) {
    if (documented.contains(family)) {
      return true;
    }
    return documented.stream().anyMatch(d -> d.endsWith("*") && family.startsWith(d.substring(0, d.length() - 1)));
  }

  /** Families in {@code scrape} that docs/metrics.md does not list. */
  static List<String> undocumented(String scrape) {
    TreeSet<String> documented = documented();
    return families(scrape).stream().filter(f -> !isDocumented(f, documented)).toList();
  }
}
