package org.mailward.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A realistic bulk marketing message of a chosen size: ESP headers (including
 * an ESP DKIM-Signature and List-Unsubscribe), multipart/alternative with a
 * plain-text part and a table-layout HTML part with inline CSS, tracked links
 * and image references, padded with product blocks. Deliberately free of PHI
 * (no names, dates, phone numbers or record numbers), so a PHI scan passes it.
 * With an attachment (P6) the same parts sit in multipart/mixed before a
 * base64 PDF brochure ({@link BrochurePdf}).
 *
 * <p>The body is built once and shared by every message; only the few
 * per-message header lines vary. Bytes are CRLF, lines at most 78 characters,
 * already dot-stuffed, and {@link #body()} ends with CRLF (the caller sends
 * {@code .CRLF}). The DKIM signature is a fixed placeholder: pass-through only.
 */
final class MarketingMessage {
  private static final String BOUNDARY = "=_mw_load_7f3a9c";
  private static final String MIXED = "=_mw_load_mixed_41b2";
  private static final String[] WORDS = ("wellness season family care team visit schedule online portal "
      + "healthy recipes walking program community event free screening workshop nutrition tips sleep "
      + "hydration stretch balance mindful morning evening weekend offer members exclusive update learn "
      + "more discover guide checklist savings plan benefits coverage question answer support friendly").split(" ");

  private final byte[] body;
  private final String senderDomain;

  private MarketingMessage(byte[] body, String senderDomain) {
    this.body = body;
    this.senderDomain = senderDomain;
  }

  /** A message whose headers plus body come to about {@code totalBytes}. */
  static MarketingMessage ofSize(int totalBytes, String senderDomain) {
    return build(totalBytes, senderDomain, null);
  }

  /**
   * As {@link #ofSize}, wrapped in multipart/mixed with {@code pdf} as a base64 {@code application/pdf}
   * attachment after the text and HTML parts (load profile P6); {@code totalBytes} sizes the text and HTML only.
   */
  static MarketingMessage withAttachment(int totalBytes, String senderDomain, byte[] pdf) {
    return build(totalBytes, senderDomain, pdf);
  }

  private static MarketingMessage build(int totalBytes, String senderDomain, byte[] pdf) {
    Random r = new Random(42);
    List<String> lines = new ArrayList<>();
    lines.add("MIME-Version: 1.0");
    lines.add(pdf == null ? "Content-Type: multipart/alternative; boundary=\"" + BOUNDARY + "\""
        : "Content-Type: multipart/mixed; boundary=\"" + MIXED + "\"");
    lines.add("X-Campaign-Id: spring-wellness-0424");
    lines.add("List-Unsubscribe: <https://esp.example/u/Zm9vYmFyYmF6cXV4>");
    lines.add("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    lines.add("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + senderDomain + "; s=esp2024;");
    lines.add("\th=from:to:subject:date:message-id:mime-version:content-type;");
    lines.add("\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;");
    lines.add("\tb=dGhpcyBpcyBhIHBsYWNlaG9sZGVyIHNpZ25hdHVyZSBmb3IgbG9hZCB0ZXN0cyBvbmx5LCBub3QgdmVyaWZp");
    lines.add("\t ZWQgYnkgYW55b25lOyBNYWlsd2FyZCBwYXNzZXMgaXQgdGhyb3VnaCB1bmNoYW5nZWQgYXMgYW4gRVNQIHdvdWxk");
    lines.add("");
    lines.add("This is a multi-part message in MIME format.");
    lines.add("");
    if (pdf != null) {
      lines.add("--" + MIXED);
      lines.add("Content-Type: multipart/alternative; boundary=\"" + BOUNDARY + "\"");
      lines.add("");
    }
    lines.add("--" + BOUNDARY);
    lines.add("Content-Type: text/plain; charset=utf-8");
    lines.add("Content-Transfer-Encoding: 8bit");
    lines.add("");
    wrap(lines, "Spring wellness update from your care team. Discover our community events, "
        + "free workshops and seasonal tips. Visit https://clinic.example/events to learn more.");
    for (int i = 0; i < 6; i++) {
      wrap(lines, sentence(r, 30));
      lines.add("");
    }
    wrap(lines, "To stop receiving these emails visit https://esp.example/u/Zm9vYmFyYmF6cXV4 "
        + "Clinic Example, 100 Main Street, Springfield.");
    lines.add("");
    lines.add("--" + BOUNDARY);
    lines.add("Content-Type: text/html; charset=utf-8");
    lines.add("Content-Transfer-Encoding: 8bit");
    lines.add("");
    lines.add("<!DOCTYPE html><html><head><meta charset=\"utf-8\">");
    lines.add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    lines.add("<style>");
    lines.add(".btn { background:#0a7d5a; color:#ffffff; padding:12px 24px; border-radius:4px; }");
    lines.add(".card { border:1px solid #e3e8ee; margin:0 0 16px 0; font-family:Arial,sans-serif; }");
    lines.add(".muted { color:#6b7785; font-size:12px; }");
    lines.add("</style></head><body style=\"margin:0;padding:0;background:#f4f6f8\">");
    lines.add("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\">");
    lines.add("<tr><td align=\"center\"><img src=\"https://cdn.esp.example/c/hero-spring.jpg\"");
    lines.add(" width=\"600\" alt=\"Spring wellness\" style=\"display:block\"></td></tr>");
    String footer = footer();
    int block = 0;
    while (size(lines) + footer.length() < totalBytes - 400) {
      block++;
      lines.add("<tr><td class=\"card\" style=\"padding:16px\">");
      lines.add("<h2 style=\"font:bold 20px Arial,sans-serif;color:#1b2a38\">" + title(r) + "</h2>");
      wrap(lines, "<p style=\"font:14px/20px Arial,sans-serif;color:#33414e\">" + sentence(r, 40) + "</p>");
      lines.add("<a class=\"btn\" href=\"https://t.esp.example/c/" + Integer.toHexString(0x10000 + block * 7919)
          + "?u=8f2c1e&amp;b=" + block + "\">Learn more</a>");
      lines.add("<img src=\"https://t.esp.example/o/" + Integer.toHexString(block * 104729) + ".gif\" width=\"1\" height=\"1\" alt=\"\">");
      lines.add("</td></tr>");
    }
    for (String l : footer.split("\n")) {
      lines.add(l);
    }
    lines.add("--" + BOUNDARY + "--");
    if (pdf != null) {
      lines.add("");
      lines.add("--" + MIXED);
      lines.add("Content-Type: application/pdf; name=\"spring-wellness-guide.pdf\"");
      lines.add("Content-Disposition: attachment; filename=\"spring-wellness-guide.pdf\"");
      lines.add("Content-Transfer-Encoding: base64");
      lines.add("");
      String b64 = Base64.getEncoder().encodeToString(pdf);
      for (int i = 0; i < b64.length(); i += 76) {
        lines.add(b64.substring(i, Math.min(b64.length(), i + 76)));
      }
      lines.add("--" + MIXED + "--");
    }
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      if (l.startsWith(".")) {
        sb.append('.');
      }
      sb.append(l).append("\r\n");
    }
    return new MarketingMessage(sb.toString().getBytes(StandardCharsets.UTF_8), senderDomain);
  }

  /** The shared part of every message: common header lines, the blank line and the MIME body (dot-stuffed, CRLF-terminated). */
  byte[] body() {
    return body;
  }

  /** The per-message header lines (CRLF-terminated). */
  byte[] headers(long sequence, String sender, String recipient) {
    String h = "From: Clinic Example <" + sender + ">\r\n"
        + "To: <" + recipient + ">\r\n"
        + "Subject: Spring wellness: events and tips for you\r\n"
        + "Date: Thu, 26 Nov 2026 09:00:00 +0000\r\n"
        + "Message-ID: <load." + sequence + "@" + senderDomain + ">\r\n";
    return h.getBytes(StandardCharsets.US_ASCII);
  }

  private static String footer() {
    return "<tr><td class=\"muted\" style=\"padding:16px\">\n"
        + "You receive this email because you subscribed to updates from Clinic Example.\n"
        + "<a href=\"https://esp.example/u/Zm9vYmFyYmF6cXV4\">Unsubscribe</a> |\n"
        + "<a href=\"https://clinic.example/privacy\">Privacy</a><br>\n"
        + "Clinic Example, 100 Main Street, Springfield\n"
        + "</td></tr></table></body></html>\n";
  }

  private static int size(List<String> lines) {
    int n = 0;
    for (String l : lines) {
      n += l.length() + 2;
    }
    return n;
  }

  private static String title(Random r) {
    return cap(WORDS[r.nextInt(WORDS.length)]) + " " + WORDS[r.nextInt(WORDS.length)] + " "
        + WORDS[r.nextInt(WORDS.length)];
  }

  private static String sentence(Random r, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      String w = WORDS[r.nextInt(WORDS.length)];
      sb.append(i == 0 ? cap(w) : w).append(i % 9 == 8 ? ", " : " ");
    }
    return sb.toString().trim() + ".";
  }

  private static String cap(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  private static void wrap(List<String> lines, String text) {
    StringBuilder line = new StringBuilder();
    for (String w : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + w.length() > 76) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(w);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
  }
}
