// Bounded label values: whatever a caller passes, a label takes at most a fixed
// number of distinct values, each short and made of [a-z0-9._-]. Values past the
// bound become "other", so a reason string that ever carried a domain or an
// address could not blow up the series count or leak into /metrics.
package org.mailward.app.metrics;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** One label's admitted values. Thread-safe; lookups of known values allocate nothing. */
public final class Labels {
  public static final String OTHER = "other";
  private static final Pattern SAFE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,47}");
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final int max;

  public Labels(int max) {
    this.max = max;
  }

  /** {@code value} if it is safe and within the bound, else {@code other}. Anything with '@' is never admitted. */
  public String of(String value) {
    if (value == null || value.isEmpty()) {
      return "none";
    }
    if (admitted.contains(value)) {
      return value;
    }
    String v = value.toLowerCase(Locale.ROOT);
    if (v.indexOf('@') >= 0 || !SAFE.matcher(v).matches()) {
      return OTHER;
    }
    if (admitted.size() >= max && !admitted.contains(v)) {
      return OTHER;
    }
    admitted.add(v);
    return v;
  }
}
