// Turns copy into a marketing message: the top header fields an ESP writes
// (From a clinic, To, Subject, Date, Message-ID, List-Unsubscribe), the body as
// text/plain, text/html or multipart/alternative, and the CAN-SPAM footer with
// the clinic's own address and phone (public, not PHI). Paragraphs are plain
// text; HTML paragraphs may carry markup the caller prepared.
package org.mailward.bench.phi;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

final class Letters {
  private Letters() {}

  private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

  static List<String> headers(String id, Vocabulary.Clinic clinic, String encodedSubject, Random r) {
    LocalDateTime at = LocalDateTime.of(2026, 1 + r.nextInt(11), 1 + r.nextInt(28), 7 + r.nextInt(12), r.nextInt(60));
    String token = Person.letters(r, 4).toLowerCase(Locale.ROOT) + Person.digits(r, 8);
    return List.of(
        "From: \"" + clinic.name() + "\" <news@" + clinic.domain() + ">",
        "To: <pat@example.net>",
        "Subject: " + encodedSubject,
        "Date: " + RFC_5322.format(at.atOffset(ZoneOffset.UTC)),
        "Message-ID: <" + id.toLowerCase(Locale.ROOT) + "." + token + "@mail." + clinic.domain() + ">",
        "List-Unsubscribe: <https://u." + clinic.domain() + "/u/" + token + ">",
        "X-Campaign: " + token.substring(0, 4) + "-" + (100 + r.nextInt(900)));
  }

  static List<String> footer(Vocabulary.Clinic clinic) {
    return List.of("--", clinic.name() + ", " + clinic.street() + ", " + clinic.city() + ", " + clinic.phone(),
        "You receive this email because you subscribed to news from " + clinic.name() + ".",
        "Unsubscribe: https://u." + clinic.domain() + "/unsubscribe");
  }

  static String plain(List<String> paragraphs, Vocabulary.Clinic clinic) {
    List<String> all = new ArrayList<>(paragraphs);
    all.add(String.join("\n", footer(clinic)));
    return String.join("\n\n", all) + "\n";
  }

  /** An HTML newsletter around these paragraphs (already HTML: escape plain text with {@link #escapeLines}). */
  static String html(String title, List<String> htmlParagraphs, Vocabulary.Clinic clinic) {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(Evasions.htmlEscape(title)).append("</title>\n<style>p{margin:0 0 12px}</style></head>\n")
        .append("<body style=\"font-family:Helvetica,Arial,sans-serif;color:#1d2b36\">\n")
        .append("<table role=\"presentation\" width=\"600\" align=\"center\"><tr><td>\n")
        .append("<h1 style=\"font-size:21px\">").append(Evasions.htmlEscape(clinic.name())).append("</h1>\n");
    for (String p : htmlParagraphs) {
      sb.append("<p>").append(p).append("</p>\n");
    }
    sb.append("<p style=\"font-size:11px;color:#6b7780\">").append(Evasions.htmlEscape(clinic.name())).append(" &middot; ")
        .append(Evasions.htmlEscape(clinic.street())).append(", ").append(clinic.city()).append(" &middot; ")
        .append(clinic.phone()).append("<br>\nYou receive this email because you subscribed. <a href=\"https://u.")
        .append(clinic.domain()).append("/unsubscribe\">Unsubscribe</a></p>\n")
        .append("<img src=\"https://o.").append(clinic.domain()).append("/open.gif\" width=\"1\" height=\"1\" alt=\"\">\n")
        .append("</td></tr></table>\n</body></html>\n");
    return sb.toString();
  }

  static String escapeLines(String text) {
    return Evasions.htmlEscape(text).replace("\n", "<br>\n");
  }

  static List<String> escapeAll(List<String> paragraphs) {
    List<String> out = new ArrayList<>();
    for (String p : paragraphs) {
      out.add(escapeLines(p));
    }
    return out;
  }

  /** The usual body shapes: plain, HTML or both as alternatives, in UTF-8, 8bit or quoted-printable. */
  static Mime.Part body(BodyShape shape, String title, List<String> paragraphs, Vocabulary.Clinic clinic) {
    boolean ascii = paragraphs.stream().allMatch(p -> p.chars().allMatch(ch -> ch < 128));
    Mime.Cte plainCte = ascii ? Mime.Cte.SEVEN_BIT : Mime.Cte.EIGHT_BIT;
    return switch (shape) {
      case PLAIN -> Mime.text("text/plain", plain(paragraphs, clinic), StandardCharsets.UTF_8, plainCte);
      case PLAIN_QP -> Mime.text("text/plain", plain(paragraphs, clinic), StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE);
      case HTML -> Mime.text("text/html", html(title, escapeAll(paragraphs), clinic), StandardCharsets.UTF_8,
          Mime.Cte.QUOTED_PRINTABLE);
      case ALTERNATIVE -> new Mime.Multi("alternative", List.of(
          Mime.text("text/plain", plain(paragraphs, clinic), StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE),
          Mime.text("text/html", html(title, escapeAll(paragraphs), clinic), StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE)));
    };
  }

  enum BodyShape {
    PLAIN, PLAIN_QP, HTML, ALTERNATIVE;

    static BodyShape random(Random r) {
      return values()[r.nextInt(values().length)];
    }
  }
}
