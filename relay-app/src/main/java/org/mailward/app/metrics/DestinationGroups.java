// Maps a destination domain to one of the operator's configured groups
// (metrics.destinationGroups: {google: [gmail.com, googlemail.com]}); any other
// domain is "other". The label never carries a raw domain, so its values are
// bounded by the configuration. A group entry matches the domain and its subdomains.
package org.mailward.app.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Immutable after construction. */
public final class DestinationGroups {
  private final Map<String, String> groupByDomain = new HashMap<>();

  /** @throws IllegalArgumentException naming a group whose name is not a safe label value */
  public DestinationGroups(Map<String, List<String>> groups) {
    groups.forEach((group, domains) -> {
      if (!group.matches("[a-z0-9][a-z0-9_-]{0,31}") || group.equals(Labels.OTHER)) {
        throw new IllegalArgumentException("group '" + group + "': a name of [a-z0-9_-], at most 32 characters, not 'other'");
      }
      domains.forEach(d -> groupByDomain.put(d.toLowerCase(Locale.ROOT), group));
    });
  }

  /** The group of {@code domain} (or of its nearest configured parent), else {@code other}. */
  public String of(String domain) {
    if (domain == null) {
      return Labels.OTHER;
    }
    String d = domain.toLowerCase(Locale.ROOT);
    while (true) {
      String g = groupByDomain.get(d);
      if (g != null) {
        return g;
      }
      int dot = d.indexOf('.');
      if (dot < 0) {
        return Labels.OTHER;
      }
      d = d.substring(dot + 1);
    }
  }
}
