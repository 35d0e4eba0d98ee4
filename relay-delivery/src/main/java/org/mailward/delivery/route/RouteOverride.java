package org.mailward.delivery.route;

import java.util.Locale;

/**
 * A per-domain route, like a Postfix transport-map entry: {@code [host]:port}
 * connects to {@code host} (a name resolved by A/AAAA, or an IP literal) without
 * an MX lookup; {@code host:port} looks up the MX records of {@code host}.
 * Port 25 when omitted.
 */
public record RouteOverride(String host, int port, boolean mxLookup) {
  public RouteOverride {
    host = host.toLowerCase(Locale.ROOT);
    if (host.isBlank()) {
      throw new IllegalArgumentException("route host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("route port out of range: " + port);
    }
  }

  /** Parses {@code [host]:port}, {@code [host]}, {@code host:port} or {@code host}. */
  public static RouteOverride parse(String spec) {
    String s = spec.trim();
    boolean bracket = s.startsWith("[");
    String host;
    String rest;
    if (bracket) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("route '" + spec + "' lacks ']'");
      }
      host = s.substring(1, close);
      rest = s.substring(close + 1);
    } else {
      int colon = s.lastIndexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      rest = colon < 0 ? "" : s.substring(colon);
    }
    int port = 25;
    if (!rest.isEmpty()) {
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("route '" + spec + "' has junk after the host");
      }
      try {
        port = Integer.parseInt(rest.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("route '" + spec + "' has a bad port", e);
      }
    }
    return new RouteOverride(host, port, !bracket);
  }

  /** True when the host is an IPv4 or IPv6 literal. */
  public boolean isLiteral() {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  @Override
  public String toString() {
    return (mxLookup ? host : "[" + host + "]") + ":" + port;
  }
}
