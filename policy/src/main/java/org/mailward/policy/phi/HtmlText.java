package org.mailward.policy.phi;

import java.util.List;

/**
 * Reduces HTML to the text a reader would see, for scanning only: inline tags ({@code b}, {@code span},
 * {@code font}…) join the text around them, other tags become line breaks, comments,
 * {@code script} and {@code style} content are dropped, common entities and numeric references are
 * decoded. A small hand-written stripper (jsoup builds a DOM, a node per tag and text run, which
 * the 60 KB-message cost budget does not allow; and a sanitizer such as
 * OWASP's keeps markup, which is not what a scanner wants). Not a renderer and not a sanitizer.
 *
 * <p>Cost: it reads a {@code char[]} (the part as decoded into {@link ScanScratch}) and writes into
 * another one no longer than the input (no construct yields more characters than it takes), which
 * the scan reuses from message to message; the runs of text between markup are copied in bulk.
 * Nothing is allocated per tag, per entity or per character.
 */
final class HtmlText {
  private static final List<String> RAW_TEXT = List.of("script", "style");
  private static final String[] INLINE = {"a", "b", "i", "u", "s", "q", "em", "tt", "abbr", "bdi", "bdo", "big", "cite", "code",
      "data", "dfn", "del", "ins", "kbd", "mark", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "var",
      "wbr", "font"};

  private final char[] html;
  private final CharArrayText view;
  private final int n;
  private final char[] out;
  private int o;

  private HtmlText(char[] html, int n, char[] out) {
    this.html = html;
    this.view = new CharArrayText(html, n);
    this.n = n;
    this.out = out;
  }

  /** The text of {@code html}, as a new string (tests and one-off use). */
  static String toText(String html) {
    char[] in = html.toCharArray();
    char[] out = new char[in.length];
    return new String(out, 0, new HtmlText(in, in.length, out).strip());
  }

  /** The text of {@code html}, in {@code scratch}'s HTML array: valid until the scan that owns {@code scratch} ends. */
  static CharArrayText toText(CharArrayText html, ScanScratch scratch) {
    char[] out = scratch.html(html.length());
    return new CharArrayText(out, new HtmlText(html.array(), html.length(), out).strip());
  }

  /** Writes the text into {@link #out}; returns its length. */
  private int strip() {
    int i = 0;
    while (i < n) {
      int next = nextMarkup(i);
      if (next > i) {
        System.arraycopy(html, i, out, o, next - i);
        o += next - i;
        i = next;
        if (i == n) {
          break;
        }
      }
      if (html[i] == '&') {
        i = entity(i);
      } else if (startsWith("<!--", i)) {
        int close = indexOf("-->", i + 4);
        i = close < 0 ? n : close + 3;
      } else {
        int close = i + 1 < n && html[i + 1] == '/' ? -1 : skipRawText(i);
        if (close < 0) {
          close = indexOf('>', i + 1);
          close = close == n ? n : close + 1;
        }
        boolean inline = inline(i + 1);
        i = close;
        if (!inline) {
          out[o++] = '\n';
        }
      }
    }
    return o;
  }

  /**
   * The tag whose name starts at {@code at} (after {@code <}, perhaps {@code /}) is an inline one
   * ({@code b}, {@code span}, {@code a}, {@code font}…): it joins the text on either side, as a
   * reader sees it, so {@code 123-<b>45</b>-6789} reads as one number. Other tags break the text.
   */
  private boolean inline(int at) {
    if (at < n && html[at] == '/') {
      at++;
    }
    int end = at;
    while (end < n && end - at < 8 && Character.isLetterOrDigit(html[end])) {
      end++;
    }
    if (end == n || Character.isLetterOrDigit(html[end]) || end - at > 6) {
      return false;
    }
    char first = Character.toLowerCase(html[at]);
    for (String tag : INLINE) {
      if (tag.charAt(0) == first && tag.length() == end - at && is(at, tag)) {
        return true;
      }
    }
    return false;
  }

  /** The first {@code <} or {@code &} at or after {@code from}, else {@code n}. */
  private int nextMarkup(int from) {
    final char[] h = html;
    int i = from;
    while (i < n) {
      char c = h[i];
      if (c == '<' || c == '&') {
        return i;
      }
      i++;
    }
    return n;
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
    for (int i = indexOf("</", from); i >= 0; i = indexOf("</", i + 1)) {
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
      if (html[j] == ';') {
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
    if (len < 2 || html[at] != '#') {
      return false;
    }
    boolean hex = html[at + 1] == 'x' || html[at + 1] == 'X';
    try {
      int cp = Integer.parseInt(view, at + (hex ? 2 : 1), at + len, hex ? 16 : 10);
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
      if (Character.toLowerCase(html[at + k]) != word.charAt(k)) {
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
    return after == n || !Character.isLetterOrDigit(html[after]);
  }

  /** {@code s} is at {@code at}, exactly. */
  private boolean startsWith(String s, int at) {
    if (at < 0 || at + s.length() > n) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (html[at + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Where {@code s} first starts at or after {@code from}, else -1 (as {@code String.indexOf}). */
  private int indexOf(String s, int from) {
    char first = s.charAt(0);
    for (int i = Math.max(0, from); i + s.length() <= n; i++) {
      if (html[i] == first && startsWith(s, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Where {@code c} first is at or after {@code from}, else {@code n}. */
  private int indexOf(char c, int from) {
    for (int i = Math.max(0, from); i < n; i++) {
      if (html[i] == c) {
        return i;
      }
    }
    return n;
  }
}
