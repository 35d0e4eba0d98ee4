package org.mailward.app.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human units operators write in configuration: durations such as
 * {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 5d} (or ISO-8601
 * {@code PT5M}) and sizes such as {@code 512}, {@code 64KB}, {@code 50MB}, {@code 1GB}
 * (binary multiples: 1KB = 1024 bytes, as Postfix's message_size_limit readers expect).
 */
final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

  private Units() {}

  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration (use e.g. 250ms, 30s, 5m, 2h, 5d): '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static long size(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size (use e.g. 65536, 64KB, 50MB, 1GB): '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long mult = switch (unit) {
      case "kb", "k" -> 1024L;
      case "mb", "m" -> 1024L * 1024;
      case "gb", "g" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    return Math.multiplyExact(n, mult);
  }
}
