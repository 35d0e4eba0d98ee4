package org.mailward.policy.phi;

import java.util.Locale;

/**
 * Reduces HTML to the text a reader would see, for scanning only: tags become spaces, comments,
 * {@code script} and {@code style} content are dropped, common entities and numeric references are
 * decoded. A small hand-written stripper (jsoup is not in the stack, and a sanitizer such as
 * OWASP's keeps markup, which is not what a scanner wants). Not a renderer and not a sanitizer.
 */
final class HtmlText {
  private HtmlText() {}

  static String toText(CharSequence html) {
    int n = html.length();
    StringBuilder out = new StringBuilder(n / 2);
    int i = 0;
    while (i < n) {
      char c = html.charAt(i);
      if (c == '<') {
        if (startsWith(html, i, "<!--")) {
          int close = indexOf(html, "-->", i + 4);
          i = close < 0 ? n : close + 3;
          continue;
        }
        int close = html.charAt(i + 1 < n ? i + 1 : i) == '/' ? -1 : skipRawText(html, i);
        if (close >= 0) {
          i = close;
          out.append(' ');
          continue;
        }
        int gt = indexOf(html, ">", i + 1);
        i = gt < 0 ? n : gt + 1;
        out.append(' ');
      } else if (c == '&') {
        i = entity(html, i, out);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** For {@code <script>} and {@code <style>}: the index after the matching close tag, else -1. */
  private static int skipRawText(CharSequence html, int i) {
    for (String tag : new String[] {"script", "style"}) {
      if (startsWithIgnoreCase(html, i + 1, tag)) {
        int end = indexOfIgnoreCase(html, "</" + tag, i + 1);
        if (end < 0) {
          return html.length();
        }
        int gt = indexOf(html, ">", end);
        return gt < 0 ? html.length() : gt + 1;
      }
    }
    return -1;
  }

  private static int entity(CharSequence html, int i, StringBuilder out) {
    int semi = -1;
    for (int j = i + 1; j < Math.min(html.length(), i + 10); j++) {
      if (html.charAt(j) == ';') {
        semi = j;
        break;
      }
    }
    if (semi < 0) {
      out.append('&');
      return i + 1;
    }
    String name = html.subSequence(i + 1, semi).toString();
    String decoded = switch (name.toLowerCase(Locale.ROOT)) {
      case "amp" -> "&";
      case "lt" -> "<";
      case "gt" -> ">";
      case "quot" -> "\"";
      case "apos" -> "'";
      case "nbsp", "ensp", "emsp", "thinsp" -> " ";
      case "ndash", "mdash", "minus" -> "-";
      default -> numeric(name);
    };
    if (decoded == null) {
      out.append('&');
      return i + 1;
    }
    out.append(decoded);
    return semi + 1;
  }

  private static String numeric(String name) {
    if (!name.startsWith("#") || name.length() < 2) {
      return null;
    }
    try {
      int cp = name.charAt(1) == 'x' || name.charAt(1) == 'X'
          ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
      return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean startsWith(CharSequence s, int at, String prefix) {
    return at + prefix.length() <= s.length() && s.subSequence(at, at + prefix.length()).toString().equals(prefix);
  }

  private static boolean startsWithIgnoreCase(CharSequence s, int at, String prefix) {
    if (at + prefix.length() > s.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (Character.toLowerCase(s.charAt(at + k)) != prefix.charAt(k)) {
        return false;
      }
    }
    int after = at + prefix.length();
    return after == s.length() || !Character.isLetterOrDigit(s.charAt(after));
  }

  private static int indexOf(CharSequence s, String needle, int from) {
    return s.toString().indexOf(needle, from);
  }

  private static int indexOfIgnoreCase(CharSequence s, String needle, int from) {
    for (int i = from; i + needle.length() <= s.length(); i++) {
      if (s.charAt(i) == '<' && startsWithIgnoreCase(s, i + 1, needle.substring(1))) {
        return i;
      }
    }
    return -1;
  }
}
