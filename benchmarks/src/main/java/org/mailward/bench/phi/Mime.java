// Writes RFC 5322 / MIME messages for the corpus: header fields, RFC 2047
// encoded words, nested multiparts with fixed boundaries, and the transfer
// encodings (7bit, 8bit, quoted-printable with soft breaks the caller may force
// inside a word, base64 in 76-column lines). Written here rather than with
// mime4j's encoders because the corpus must decide where a soft break or an
// encoded-word boundary falls. It does not parse anything.
package org.mailward.bench.phi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.IntPredicate;

final class Mime {
  private Mime() {}

  enum Cte {
    SEVEN_BIT("7bit"), EIGHT_BIT("8bit"), QUOTED_PRINTABLE("quoted-printable"), BASE64("base64");

    final String token;

    Cte(String token) {
      this.token = token;
    }
  }

  /** A MIME entity: a leaf with its own header fields and encoded body, or a multipart. */
  sealed interface Part permits Leaf, Multi {}

  /** @param headers complete header lines without CRLF; @param body the transfer-encoded body, CRLF lines */
  record Leaf(List<String> headers, byte[] body) implements Part {
    Leaf {
      headers = List.copyOf(headers);
    }
  }

  record Multi(String subtype, List<Part> parts) implements Part {
    Multi {
      parts = List.copyOf(parts);
    }
  }

  /** A text part (plain, html, csv, calendar…) in this charset and transfer encoding. */
  static Leaf text(String mediaType, String text, Charset charset, Cte cte) {
    return text(mediaType, text, charset, cte, i -> false, List.of());
  }

  static Leaf text(String mediaType, String text, Charset charset, Cte cte, IntPredicate qpBreakBefore, List<String> extra) {
    byte[] raw = crlf(text).getBytes(charset);
    List<String> headers = new ArrayList<>();
    headers.add("Content-Type: " + mediaType + "; charset=\"" + charset.name().toLowerCase(java.util.Locale.ROOT) + "\"");
    headers.add("Content-Transfer-Encoding: " + cte.token);
    headers.addAll(extra);
    return new Leaf(headers, encode(raw, cte, qpBreakBefore));
  }

  /** A binary attachment in base64 with Content-Disposition and a file name. */
  static Leaf attachment(String mediaType, String fileName, byte[] content) {
    return new Leaf(List.of("Content-Type: " + mediaType + "; name=\"" + fileName + "\"",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename=\"" + fileName + "\""), encode(content, Cte.BASE64, i -> false));
  }

  static byte[] encode(byte[] raw, Cte cte, IntPredicate qpBreakBefore) {
    return switch (cte) {
      case SEVEN_BIT, EIGHT_BIT -> raw;
      case QUOTED_PRINTABLE -> quotedPrintable(raw, 76, qpBreakBefore);
      case BASE64 -> base64Lines(raw).getBytes(StandardCharsets.US_ASCII);
    };
  }

  /**
   * Quoted-printable (RFC 2045 6.7): CRLF in the input stays a hard break; lines are soft-broken at
   * {@code maxLine} and also before every input byte index for which {@code breakBefore} is true.
   */
  static byte[] quotedPrintable(byte[] in, int maxLine, IntPredicate breakBefore) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 2);
    int col = 0;
    for (int i = 0; i < in.length; i++) {
      int b = in[i] & 0xff;
      if (b == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
        out.write('\r');
        out.write('\n');
        i++;
        col = 0;
        continue;
      }
      boolean lineEnd = i + 1 >= in.length || in[i + 1] == '\r';
      boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lineEnd);
      String piece = literal ? String.valueOf((char) b) : String.format("=%02X", b);
      if (col > 0 && (col + piece.length() > maxLine - 1 || breakBefore.test(i))) {
        out.writeBytes("=\r\n".getBytes(StandardCharsets.US_ASCII));
        col = 0;
      }
      out.writeBytes(piece.getBytes(StandardCharsets.US_ASCII));
      col += piece.length();
    }
    return out.toByteArray();
  }

  static String base64Lines(byte[] raw) {
    return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(raw) + "\r\n";
  }

  /**
   * An RFC 2047 phrase: the text cut into {@code pieces} encoded words ('B' or 'Q') in this charset, folded
   * onto continuation lines. Cuts fall between characters, so a word may span two encoded words.
   */
  static String encodedWords(String text, Charset charset, char encoding, int pieces) {
    int[] cps = text.codePoints().toArray();
    List<String> words = new ArrayList<>();
    int per = Math.max(1, (cps.length + pieces - 1) / pieces);
    for (int start = 0; start < cps.length; start += per) {
      String chunk = new String(cps, start, Math.min(per, cps.length - start));
      byte[] bytes = chunk.getBytes(charset);
      String payload = encoding == 'B' ? Base64.getEncoder().encodeToString(bytes) : qEncode(bytes);
      words.add("=?" + charset.name() + "?" + encoding + "?" + payload + "?=");
    }
    return String.join("\r\n ", words);
  }

  private static String qEncode(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte x : bytes) {
      int b = x & 0xff;
      if (b == ' ') {
        sb.append('_');
      } else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) {
        sb.append((char) b);
      } else {
        sb.append(String.format("=%02X", b));
      }
    }
    return sb.toString();
  }

  /** The Subject value as a sender would write it: raw when ASCII, else one B-encoded UTF-8 word per 20 chars. */
  static String subject(String subject) {
    if (subject.chars().allMatch(c -> c < 128)) {
      return subject;
    }
    return encodedWords(subject, StandardCharsets.UTF_8, 'B', Math.max(1, subject.length() / 20));
  }

  /** The whole message: top header lines (without MIME fields), then the root entity. */
  static byte[] message(List<String> topHeaders, Part root, String boundarySeed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    for (String h : topHeaders) {
      line(out, h);
    }
    line(out, "MIME-Version: 1.0");
    writeEntity(out, root, boundarySeed, new int[] {0});
    return out.toByteArray();
  }

  private static void writeEntity(ByteArrayOutputStream out, Part part, String seed, int[] counter) {
    if (part instanceof Leaf leaf) {
      for (String h : leaf.headers()) {
        line(out, h);
      }
      line(out, "");
      out.writeBytes(leaf.body());
      if (leaf.body().length > 0 && leaf.body()[leaf.body().length - 1] != '\n') {
        line(out, "");
      }
      return;
    }
    Multi multi = (Multi) part;
    String boundary = "=_mw_" + seed + "_" + (counter[0]++);
    line(out, "Content-Type: multipart/" + multi.subtype() + "; boundary=\"" + boundary + "\"");
    line(out, "");
    line(out, "This is a multi-part message in MIME format.");
    for (Part child : multi.parts()) {
      line(out, "");
      line(out, "--" + boundary);
      writeEntity(out, child, seed, counter);
    }
    line(out, "");
    line(out, "--" + boundary + "--");
  }

  private static void line(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  static String crlf(String text) {
    return text.replace("\r\n", "\n").replace("\n", "\r\n");
  }
}
