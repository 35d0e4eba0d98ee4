// Category D: the PHI of categories A–C behind encodings and evasions a scanner
// must see through — quoted-printable soft breaks inside names and numbers,
// base64, ISO-8859-1 and UTF-16 parts, full-width forms, zero-width characters,
// soft hyphens, Cyrillic/Greek look-alikes, words split by HTML tags, comments or
// numeric entities, RFC 2047 subjects cut mid-name, a message/rfc822 attachment
// and a deeply nested multipart whose plain alternative is clean.
package org.mailward.bench.phi;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

final class EvasionMail {
  private EvasionMail() {}

  static final List<String> TECHNIQUES = List.of(
      "qp-soft-break-plain", "qp-soft-break-html", "qp-latin1", "latin1-8bit", "base64-plain", "base64-html",
      "utf16-bom", "utf16le-declared", "fullwidth", "zero-width", "soft-hyphen", "soft-hyphen-entity",
      "homoglyph-cyrillic", "homoglyph-greek", "html-split-tags", "html-comments", "html-entities",
      "rfc2047-subject-b", "rfc2047-subject-q", "nested-rfc822", "nested-multipart");

  static LabelledMessage encoded(String id, int index, Random r) {
    String technique = TECHNIQUES.get(index % TECHNIQUES.size());
    Vocabulary.Clinic clinic = Vocabulary.pick(r, Vocabulary.CLINICS);
    boolean accented = technique.contains("latin1") || technique.equals("rfc2047-subject-q") || r.nextInt(4) == 0;
    Person p = Person.random(r, accented);
    int template = index / TECHNIQUES.size() + r.nextInt(PhiText.BODY_TEMPLATES);
    if (technique.startsWith("rfc2047")) {
      return subject(id, technique, r, clinic, p, template);
    }
    PhiText phi = PhiText.body(template, r, p, clinic);
    String subject = Vocabulary.pick(r, List.of("A note from " + clinic.name(), "Your health update", "Care team message"));
    List<String> story = Vocabulary.pick(r, Vocabulary.NEWSLETTER);
    String after = story.get(0) + ": " + story.get(1);
    Mime.Part root;
    Set<Location> where = Set.of(Location.BODY);
    switch (technique) {
      case "qp-soft-break-plain" -> {
        String text = Letters.plain(List.of(phi.text(), after), clinic);
        root = Mime.text("text/plain", text, StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE,
            breaksInside(text, phi.needles(), StandardCharsets.UTF_8)::contains, List.of());
      }
      case "qp-soft-break-html" -> {
        String html = Letters.html(subject, List.of(Letters.escapeLines(phi.text()), Letters.escapeLines(after)), clinic);
        root = Mime.text("text/html", html, StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE,
            breaksInside(html, phi.needles(), StandardCharsets.UTF_8)::contains, List.of());
      }
      case "qp-latin1" -> root = Mime.text("text/plain", Letters.plain(List.of(phi.text(), after), clinic),
          StandardCharsets.ISO_8859_1, Mime.Cte.QUOTED_PRINTABLE);
      case "latin1-8bit" -> root = Mime.text("text/plain", Letters.plain(List.of(phi.text(), after), clinic),
          StandardCharsets.ISO_8859_1, Mime.Cte.EIGHT_BIT);
      case "base64-plain" -> root = Mime.text("text/plain", Letters.plain(List.of(phi.text(), after), clinic),
          StandardCharsets.UTF_8, Mime.Cte.BASE64);
      case "base64-html" -> root = Mime.text("text/html", Letters.html(subject,
          List.of(Letters.escapeLines(phi.text()), Letters.escapeLines(after)), clinic), StandardCharsets.UTF_8, Mime.Cte.BASE64);
      case "utf16-bom" -> root = Mime.text("text/plain", Letters.plain(List.of(phi.text(), after), clinic),
          StandardCharsets.UTF_16, Mime.Cte.BASE64);
      case "utf16le-declared" -> root = Mime.text("text/plain", Letters.plain(List.of(phi.text(), after), clinic),
          StandardCharsets.UTF_16LE, Mime.Cte.BASE64);
      case "fullwidth" -> root = plainOrHtml(r, subject, replaceNeedles(phi, Evasions::fullWidth), after, clinic);
      case "zero-width" -> root = plainOrHtml(r, subject, Evasions.zeroWidth(phi.text(), r), after, clinic);
      case "soft-hyphen" -> root = plainOrHtml(r, subject, Evasions.softHyphens(phi.text()), after, clinic);
      case "soft-hyphen-entity" -> root = html(subject, htmlWithNeedles(phi, Evasions::softHyphenEntities), after, clinic);
      case "homoglyph-cyrillic" -> root = plainOrHtml(r, subject, Evasions.cyrillic(phi.text()), after, clinic);
      case "homoglyph-greek" -> root = plainOrHtml(r, subject, Evasions.greek(phi.text()), after, clinic);
      case "html-split-tags" -> root = html(subject, htmlWithNeedles(phi, s -> Evasions.htmlTags(s, r)), after, clinic);
      case "html-comments" -> root = html(subject, htmlWithNeedles(phi, Evasions::htmlComments), after, clinic);
      case "html-entities" -> root = html(subject, htmlWithNeedles(phi, s -> Evasions.htmlEntities(s, r)), after, clinic);
      case "nested-rfc822" -> {
        where = Set.of(Location.ATTACHMENT);
        Mime.Part innerBody = Mime.text("text/plain", Letters.plain(List.of(phi.text()), clinic), StandardCharsets.UTF_8,
            Mime.Cte.QUOTED_PRINTABLE);
        byte[] inner = Mime.message(Letters.headers(id + "-inner", clinic, "Fwd: care team note", r), innerBody, id + "i");
        root = new Mime.Multi("mixed", List.of(
            Mime.text("text/plain", Letters.plain(List.of("Forwarding the note below.", after), clinic), StandardCharsets.UTF_8,
                Mime.Cte.SEVEN_BIT),
            new Mime.Leaf(List.of("Content-Type: message/rfc822", "Content-Disposition: attachment; filename=\"note.eml\""), inner)));
      }
      default -> {
        Mime.Part plainClean = Mime.text("text/plain", Letters.plain(List.of("View this message in your browser.", after), clinic),
            StandardCharsets.UTF_8, Mime.Cte.SEVEN_BIT);
        Mime.Part htmlPhi = html(subject, Letters.escapeLines(phi.text()), after, clinic);
        Mime.Part logo = Mime.attachment("image/gif", "logo.gif", new byte[] {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'});
        root = new Mime.Multi("mixed", List.of(new Mime.Multi("alternative", List.of(plainClean,
            new Mime.Multi("related", List.of(htmlPhi, logo))))));
      }
    }
    byte[] eml = Mime.message(Letters.headers(id, clinic, subject, r), root, id);
    return new LabelledMessage(id, Category.ENCODING, where, technique, phi.needles(), List.of(),
        "evasion " + technique + ": " + phi.note(), eml);
  }

  private static LabelledMessage subject(String id, String technique, Random r, Vocabulary.Clinic clinic, Person p, int template) {
    PhiText phi = PhiText.subject(template, r, p, clinic);
    boolean b = technique.endsWith("-b");
    Charset cs = b ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    String encoded = Mime.encodedWords(phi.text(), cs, b ? 'B' : 'Q', 3 + r.nextInt(3));
    List<String> story = Vocabulary.pick(r, Vocabulary.NEWSLETTER);
    Mime.Part body = Letters.body(Letters.BodyShape.random(r), story.get(0), story, clinic);
    byte[] eml = Mime.message(Letters.headers(id, clinic, encoded, r), body, id);
    return new LabelledMessage(id, Category.ENCODING, Set.of(Location.SUBJECT), technique, phi.needles(), List.of(),
        "evasion " + technique + ": Subject " + phi.note(), eml);
  }

  private static Mime.Part plainOrHtml(Random r, String subject, String phiText, String after, Vocabulary.Clinic clinic) {
    if (r.nextBoolean()) {
      return Mime.text("text/plain", Letters.plain(List.of(phiText, after), clinic), StandardCharsets.UTF_8,
          r.nextBoolean() ? Mime.Cte.QUOTED_PRINTABLE : Mime.Cte.EIGHT_BIT);
    }
    return html(subject, Letters.escapeLines(phiText), after, clinic);
  }

  private static Mime.Part html(String subject, String phiHtml, String after, Vocabulary.Clinic clinic) {
    return Mime.text("text/html", Letters.html(subject, List.of(phiHtml, Letters.escapeLines(after)), clinic),
        StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE);
  }

  private static String replaceNeedles(PhiText phi, UnaryOperator<String> f) {
    String text = phi.text();
    for (String n : phi.needles()) {
      text = text.replace(n, f.apply(n));
    }
    return text;
  }

  /** The PHI text as HTML, each needle replaced by the transform's markup. */
  private static String htmlWithNeedles(PhiText phi, UnaryOperator<String> f) {
    String html = Letters.escapeLines(phi.text());
    for (String n : phi.needles()) {
      html = html.replace(Evasions.htmlEscape(n), f.apply(n));
    }
    return html;
  }

  /** Byte offsets (in the CRLF-normalised encoding) in the middle of every occurrence of each needle. */
  private static Set<Integer> breaksInside(String text, List<String> needles, Charset cs) {
    byte[] raw = Mime.crlf(text).getBytes(cs);
    List<Integer> out = new ArrayList<>();
    for (String n : needles) {
      byte[] nb = Evasions.htmlEscape(n).getBytes(cs);
      byte[] plainNb = n.getBytes(cs);
      for (byte[] needle : List.of(plainNb, nb)) {
        for (int i = 0; i + needle.length <= raw.length; i++) {
          if (matches(raw, i, needle)) {
            out.add(i + needle.length / 2);
          }
        }
      }
    }
    return Set.copyOf(out);
  }

  private static boolean matches(byte[] hay, int at, byte[] needle) {
    for (int j = 0; j < needle.length; j++) {
      if (hay[at + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }
}
