package org.mailward.delivery.tls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed RFC 8461 policy ({@code version: STSv1}, {@code mode}, {@code mx}
 * patterns, {@code max_age}) with the TXT id it was fetched under and when it
 * expires from the cache.
 */
public record MtaStsPolicy(Mode mode, List<String> mxPatterns, long maxAgeSeconds, String id, Instant expires) {
  public enum Mode { ENFORCE, TESTING, NONE }

  public MtaStsPolicy {
    mxPatterns = List.copyOf(mxPatterns);
  }

  /** Parses the policy text; empty when it is not a valid STSv1 policy. */
  public static Optional<MtaStsPolicy> parse(String text, String id, Instant now, long maxAgeCap) {
    String version = null;
    Mode mode = null;
    long maxAge = -1;
    List<String> mx = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      int colon = raw.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String k = raw.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String v = raw.substring(colon + 1).trim();
      switch (k) {
        case "version" -> version = v;
        case "mode" -> mode = switch (v.toLowerCase(Locale.ROOT)) {
          case "enforce" -> Mode.ENFORCE;
          case "testing" -> Mode.TESTING;
          case "none" -> Mode.NONE;
          default -> null;
        };
        case "max_age" -> {
          try {
            maxAge = Long.parseLong(v);
          } catch (NumberFormatException e) {
            maxAge = -1;
          }
        }
        case "mx" -> mx.add(v.toLowerCase(Locale.ROOT));
        default -> { }
      }
    }
    if (!"STSv1".equals(version) || mode == null || maxAge < 0 || (mode != Mode.NONE && mx.isEmpty())) {
      return Optional.empty();
    }
    long age = Math.min(maxAge, maxAgeCap);
    return Optional.of(new MtaStsPolicy(mode, mx, maxAge, id, now.plusSeconds(age)));
  }

  /** RFC 8461 4.1: exact match, or '*.' matching exactly one left-most label. */
  public boolean allows(String mxHost) {
    String h = mxHost.toLowerCase(Locale.ROOT);
    for (String p : mxPatterns) {
      if (p.startsWith("*.")) {
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot + 1).equals(p.substring(2))) {
          return true;
        }
      } else if (p.equals(h)) {
        return true;
      }
    }
    return false;
  }
}
