package org.mailward.portal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The few HTML pages the recipient-facing server shows, and the security headers sent with every
 * response. Pages are constant texts with no script and one inline style block whose hash the
 * Content-Security-Policy allows; they carry no PHI (no address, no name, no message content).
 */
public final class Pages {
  private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;"
      + "color:#1b1b1b;line-height:1.5}button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:.3rem;"
      + "background:#1d4ed8;color:#fff;cursor:pointer}";

  /** {@code Content-Security-Policy}: nothing may load; only our own style block and a form post to ourselves. */
  public static final String CSP = "default-src 'none'; style-src '" + sha256(STYLE) + "'; form-action 'self'; "
      + "frame-ancestors 'none'; base-uri 'none'";

  private Pages() {}

  /** The headers every response carries, in order. */
  public static final List<Map.Entry<String, String>> SECURITY_HEADERS = List.of(
      Map.entry("Content-Security-Policy", CSP),
      Map.entry("X-Content-Type-Options", "nosniff"),
      Map.entry("Referrer-Policy", "no-referrer"),
      Map.entry("Cache-Control", "no-store"),
      Map.entry("Strict-Transport-Security", "max-age=31536000"),
      Map.entry("X-Frame-Options", "DENY"),
      Map.entry("Cross-Origin-Resource-Policy", "same-origin"));

  /** GET: asks for confirmation; the form posts the RFC 8058 body to the same address. */
  public static String confirm() {
    return page("Unsubscribe", "<h1>Unsubscribe</h1>\n<p>Do you want to stop receiving these emails?</p>\n"
        + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
        + "<button type=\"submit\">Unsubscribe</button></form>");
  }

  /** POST, done (first time or again). */
  public static String unsubscribed() {
    return page("You are unsubscribed", "<h1>You are unsubscribed</h1>\n"
        + "<p>You will not receive these emails any more. You can close this page.</p>");
  }

  public static String problem(Problem p) {
    return page(p.title(), "<h1>" + escape(p.title()) + "</h1>\n<p>" + escape(p.detail()) + "</p>");
  }

  private static String page(String title, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex, nofollow\">"
        + "<title>" + escape(title) + "</title><style>" + STYLE + "</style></head>\n<body>\n" + body + "\n</body></html>\n";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String sha256(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
