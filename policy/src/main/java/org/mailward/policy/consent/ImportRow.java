package org.mailward.policy.consent;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;

/**
 * One validated import row. {@link #parse} turns the named fields of a CSV or NDJSON line into a
 * row or a reason (which never quotes the address).
 */
record ImportRow(long line, EmailAddress address, ConsentRegistry.Grant grant, Optional<Instant> revokedAt) {

  /** Either a row or why the line is bad. */
  record Parsed(ImportRow row, String error) {}

  static Parsed parse(long line, Map<String, String> f, String defaultSource) {
    String email = f.getOrDefault("email", "").trim();
    Optional<EmailAddress> address = EmailAddress.parse(email, true);
    if (address.isEmpty()) {
      return new Parsed(null, "invalid or missing email");
    }
    Set<Purpose> purposes = EnumSet.noneOf(Purpose.class);
    String list = f.getOrDefault("purposes", "").trim();
    if (list.isEmpty()) {
      return new Parsed(null, "missing purposes");
    }
    for (String p : list.split("[;|,\\s]+")) {
      try {
        purposes.add(Purpose.fromLabel(p));
      } catch (IllegalArgumentException e) {
        return new Parsed(null, "unknown purpose '" + p.replaceAll("[^a-zA-Z_-]", "") + "'");
      }
    }
    Instant granted;
    Optional<Instant> expires;
    Optional<Instant> revoked;
    try {
      granted = instant(f.get("granted_at")).orElse(null);
      expires = instant(f.get("expires_at"));
      revoked = instant(f.get("revoked_at"));
    } catch (DateTimeParseException e) {
      return new Parsed(null, "bad date (use 2026-11-01 or 2026-11-01T10:00:00Z)");
    }
    if (granted == null) {
      return new Parsed(null, "missing granted_at");
    }
    String evidence = f.getOrDefault("evidence", "").trim();
    String source = f.getOrDefault("source", "").trim();
    try {
      ConsentRegistry.Grant grant = new ConsentRegistry.Grant(purposes, granted, expires, evidence,
          source.isEmpty() ? defaultSource : source);
      ConsentRegistry.toAuthorization(grant, 1, granted); // validates: expiry for marketing, evidence, order
      return new Parsed(new ImportRow(line, address.get(), grant, revoked), null);
    } catch (IllegalArgumentException e) {
      return new Parsed(null, e.getMessage());
    }
  }

  private static Optional<Instant> instant(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String t = text.trim();
    return Optional.of(t.length() == 10 ? LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(t));
  }
}
