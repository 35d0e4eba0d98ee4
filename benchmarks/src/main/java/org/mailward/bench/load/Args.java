package org.mailward.bench.load;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the load tools: {@code --name value} pairs and
 * {@code --flag} switches. Unknown names are an error that lists the known
 * ones, so a typo never silently runs the wrong benchmark.
 */
final class Args {
  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  static Args parse(String[] argv, Set<String> known, Set<String> flags) {
    Map<String, String> v = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        v.put(name, value == null ? "true" : value);
      } else if (known.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new IllegalArgumentException("--" + name + " needs a value");
          }
          value = argv[++i];
        }
        v.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown option --" + name + " (known: " + known + ", flags: " + flags + ")");
      }
    }
    return new Args(v);
  }

  String string(String name, String def) {
    return values.getOrDefault(name, def);
  }

  int integer(String name, int def) {
    String s = values.get(name);
    return s == null ? def : Integer.parseInt(s.replace("_", ""));
  }

  long longValue(String name, long def) {
    String s = values.get(name);
    return s == null ? def : Long.parseLong(s.replace("_", ""));
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  /** A duration as {@code 250ms}, {@code 30s}, {@code 2m} or a bare number of seconds; {@code def} when absent. */
  Duration duration(String name, Duration def) {
    String s = values.get(name);
    return s == null ? def : duration(s);
  }

  static Duration duration(String s) {
    String t = s.trim().toLowerCase();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    } else if (t.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    } else if (t.endsWith("m")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
    }
    return Duration.ofSeconds(Long.parseLong(t));
  }

  /** A size as bytes or with a KB/MB suffix (binary). */
  int size(String name, int def) {
    String s = values.get(name);
    if (s == null) {
      return def;
    }
    String t = s.trim().toUpperCase();
    if (t.endsWith("KB") || t.endsWith("K")) {
      return Integer.parseInt(t.replaceAll("K?B?$", "")) * 1024;
    } else if (t.endsWith("MB") || t.endsWith("M")) {
      return Integer.parseInt(t.replaceAll("M?B?$", "")) * 1024 * 1024;
    }
    return Integer.parseInt(t);
  }
}
