package org.mailward.portal;

/**
 * An RFC 9457 problem: what every error of the recipient-facing server answers with, as
 * {@code application/problem+json} when the client accepts JSON and as a small HTML page
 * otherwise. Titles and details are fixed texts chosen here; nothing from the request (no
 * token, no address) is ever echoed back.
 */
public record Problem(int status, String type, String title, String detail) {
  private static final String TYPES = "tag:mailward.org,2026:problem:";

  public static Problem of(int status, String name, String title, String detail) {
    return new Problem(status, TYPES + name, title, detail);
  }

  public static final Problem NOT_FOUND = of(404, "not-found", "Not found", "There is nothing at this address.");
  public static final Problem TOO_LARGE = of(413, "too-large", "Request too large", "The request is larger than this server accepts.");
  public static final Problem UNAVAILABLE = of(503, "unavailable", "Temporarily unavailable",
      "Your request could not be completed right now. Please try again in a minute.");
  public static final Problem INTERNAL = of(500, "internal", "Something went wrong",
      "Your request could not be completed. Please try again later.");

  /** The JSON body; every field is one of our own constant texts, escaped anyway. */
  public String json() {
    return "{\"type\":" + quote(type) + ",\"title\":" + quote(title) + ",\"status\":" + status + ",\"detail\":"
        + quote(detail) + "}";
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
