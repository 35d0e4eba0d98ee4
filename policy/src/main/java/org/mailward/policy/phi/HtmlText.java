package org.mailward.policy.phi;

import java.util.List;

/**
 * Reduces HTML to the text a reader would see, for scanning only: tags become spaces, comments,
 * {@code script} and {@code style} content are dropped, common entities and numeric references are
 * decoded. A small hand-written stripper (jsoup is not in the stack, and a sanitizer such as
 * OWASP's keeps markup, which is not what a scanner wants). Not a renderer and not a sanitizer.
 *
 * <p>Cost: the runs of text between markup are found with {@code String.indexOf} (vectorised) and
 * copied in bulk into one {@code char[]} no longer than the input (no construct yields more
 * characters than it takes); nothing is allocated per tag or per character (a numeric reference
 * allocates its few digits).
 */
final class HtmlText {
  private static final List<String> RAW_TEXT = List.of("script", "style");

  private final String html;
  private final int n;
  private final char[] out;
  private int o;

  private HtmlText(String html) {
    this.html = html;
    this.n = html.length();
    this.out = new char[n];
  }

  static String toText(String html) {
    return new HtmlText(html).strip();
  }

  private String strip() {
    int i = 0;
    int nextTag = -1;
    int nextEntity = -1;
    while (i < n) {
      if (nextTag < i) {
        nextTag = indexOf('<', i);
      }
      if (nextEntity < i) {
        nextEntity = indexOf('&', i);
      }
      int next = Math.min(nextTag, nextEntity);
      if (next > i) {
        html.getChars(i, next, out, o);
        o += next - i;
        i = next;
        if (i == n) {
          break;
        }
      }
      if (html.charAt(i) == '&') {
        i = entity(i);
      } else if (html.startsWith("<!--", i)) {
        int close = html.indexOf("-->", i + 4);
        i = close < 0 ? n : close + 3;
      } else {
        int close = i + 1 < n && html.charAt(i + 1) == '/' ? -1 : skipRawText(i);
        if (close < 0) {
          close = indexOf('>', i + 1);
          close = close == n ? n : close + 1;
        }
        i = close;
        out[o++] = ' ';
      }
    }
    return new String(out, 0, o);
  }

  /** For {@code <script>} and {@code <style>}: the index after the matching close tag, else -1. */
  private int skipRawText(int i) {
    for (String tag : RAW_TEXT) {
      if (startsWithIgnoreCase(i + 1, tag)) {
        int end = closeTag(tag, i + 1);
        if (end < 0) {
          return n;
        }
        int gt = indexOf('>', end);
        return gt == n ? n : gt + 1;
      }
    }
    return -1;
  }

  /** Where {@code </tag} (any case, then a non-alphanumeric) starts at or after {@code from}, else -1. */
  private int closeTag(String tag, int from) {
    for (int i = html.indexOf("</", from); i >= 0; i = html.indexOf("</", i + 1)) {
      if (startsWithIgnoreCase(i + 2, tag)) {
        return i;
      }
    }
    return -1;
  }

  /** Decodes the entity at {@code i} (or keeps its {@code &}); returns where to go on. */
  private int entity(int i) {
    int semi = -1;
    for (int j = i + 1; j < Math.min(n, i + 10); j++) {
      if (html.charAt(j) == ';') {
        semi = j;
        break;
      }
    }
    int len = semi - i - 1;
    char decoded = semi < 0 ? 0 : named(i + 1, len);
    if (decoded != 0) {
      out[o++] = decoded;
      return semi + 1;
    }
    if (semi >= 0 && numeric(i + 1, len)) {
      return semi + 1;
    }
    out[o++] = '&';
    return i + 1;
  }

  private char named(int at, int len) {
    return switch (len) {
      case 2 -> is(at, "lt") ? '<' : is(at, "gt") ? '>' : 0;
      case 3 -> is(at, "amp") ? '&' : 0;
      case 4 -> is(at, "quot") ? '"' : is(at, "apos") ? '\'' : is(at, "nbsp") || is(at, "ensp") || is(at, "emsp") ? ' ' : 0;
      case 5 -> is(at, "ndash") || is(at, "mdash") || is(at, "minus") ? '-' : 0;
      case 6 -> is(at, "thinsp") ? ' ' : 0;
      default -> 0;
    };
  }

  /** {@code &#NNN;} or {@code &#xHHH;}: writes the code point and returns true when it is valid. */
  private boolean numeric(int at, int len) {
    if (len < 2 || html.charAt(at) != '#') {
      return false;
    }
    boolean hex = html.charAt(at + 1) == 'x' || html.charAt(at + 1) == 'X';
    try {
      int cp = Integer.parseInt(html, at + (hex ? 2 : 1), at + len, hex ? 16 : 10);
      if (!Character.isValidCodePoint(cp)) {
        return false;
      }
      o += Character.toChars(cp, out, o);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The lower-case {@code word} is at {@code at}, in any case. */
  private boolean is(int at, String word) {
    for (int k = 0; k < word.length(); k++) {
      if (Character.toLowerCase(html.charAt(at + k)) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** {@code prefix} (lower case) is at {@code at} in any case, and no letter or digit follows it. */
  private boolean startsWithIgnoreCase(int at, String prefix) {
    if (at + prefix.length() > n || !is(at, prefix)) {
      return false;
    }
    int after = at + prefix.length();
    return after == n || !Character.isLetterOrDigit(html.charAt(after));
  }

  private int indexOf(char c, int from) {
    int at = html.indexOf(c, from);
    return at < 0 ? n : at;
  }
}
