package org.mailward.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;

/**
 * Typed access to a JSON request body: every accessor names its field in the 400 it throws, so a
 * client learns exactly which field is wrong. Unknown fields are refused too (a typo must not be
 * silently ignored).
 */
public final class Body {
  private final ObjectNode node;

  Body(ObjectNode node) {
    this.node = node;
  }

  /** Refuses any field not in {@code known}. */
  public Body only(String... known) {
    Set<String> allowed = Set.of(known);
    node.fieldNames().forEachRemaining(f -> {
      if (!allowed.contains(f)) {
        throw ApiProblem.badField(f, "unknown field");
      }
    });
    return this;
  }

  public boolean has(String field) {
    return node.hasNonNull(field);
  }

  public String text(String field) {
    return optText(field).orElseThrow(() -> ApiProblem.badField(field, "is required"));
  }

  public Optional<String> optText(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw ApiProblem.badField(field, "must be a non-empty string");
    }
    return Optional.of(v.asText());
  }

  public <T> T parsed(String field, Function<String, T> parse, String expected) {
    return optParsed(field, parse, expected).orElseThrow(() -> ApiProblem.badField(field, "is required"));
  }

  public <T> Optional<T> optParsed(String field, Function<String, T> parse, String expected) {
    Optional<String> t = optText(field);
    if (t.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(t.get()));
    } catch (RuntimeException e) {
      throw ApiProblem.badField(field, "must be " + expected);
    }
  }

  public long number(String field, long min, long max, long orElse) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return orElse;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw ApiProblem.badField(field, "must be an integer from " + min + " to " + max);
    }
    return v.asLong();
  }

  public double decimal(String field, double min, double orElse) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return orElse;
    }
    if (!v.isNumber() || v.asDouble() < min) {
      throw ApiProblem.badField(field, "must be a number of at least " + min);
    }
    return v.asDouble();
  }

  public Optional<Boolean> bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw ApiProblem.badField(field, "must be true or false");
    }
    return Optional.of(v.asBoolean());
  }

  /** A non-empty array of strings. */
  public Set<String> texts(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw ApiProblem.badField(field, "must be a non-empty array of strings");
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw ApiProblem.badField(field, "must be a non-empty array of strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  public EmailAddress address(String field) {
    return parsed(field, Body::parseAddress, "an email address (local@domain)");
  }

  public Set<Purpose> purposes(String field) {
    Set<Purpose> out = EnumSet.noneOf(Purpose.class);
    for (String s : texts(field)) {
      try {
        out.add(Purpose.fromLabel(s));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badField(field, "must list purposes among marketing, fundraising, treatment, operations, transactional");
      }
    }
    return out;
  }

  /** An RFC 3339 instant or a plain date (midnight UTC). */
  public Optional<Instant> instant(String field) {
    return optParsed(field, Body::parseInstant, "an RFC 3339 timestamp or a date (YYYY-MM-DD)");
  }

  public static EmailAddress parseAddress(String s) {
    return EmailAddress.parse(s, true).orElseThrow(IllegalArgumentException::new);
  }

  static Instant parseInstant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
  }
}
