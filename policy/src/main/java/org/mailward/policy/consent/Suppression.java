package org.mailward.policy.consent;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.mailward.api.Purpose;

/**
 * Every suppression of one recipient at one tenant: per purpose, the reason and when. One record
 * per recipient so that a RCPT lookup is one read. {@code version} grows with every change.
 */
public record Suppression(Map<Purpose, Entry> entries, long version, Instant updatedAt) {
  public Suppression {
    entries = entries.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(entries));
  }

  public record Entry(SuppressionReason reason, Instant at, String source) {}

  public static Suppression none() {
    return new Suppression(Map.of(), 0, Instant.EPOCH);
  }

  public Optional<Entry> forPurpose(Purpose purpose) {
    return Optional.ofNullable(entries.get(purpose));
  }
}
