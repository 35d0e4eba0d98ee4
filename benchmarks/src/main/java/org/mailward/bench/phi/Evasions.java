// Text transforms that hide PHI from a scanner that reads bytes as plain text
// while a mail client still shows it: full-width forms, zero-width characters,
// soft hyphens, look-alike letters from Cyrillic and Greek, HTML tags, comments
// and numeric entities splitting a word. Each takes the PHI string and returns
// the string to put in the message; none changes what a reader sees.
package org.mailward.bench.phi;

import java.util.Map;
import java.util.Random;

final class Evasions {
  private Evasions() {}

  private static final char[] ZERO_WIDTH = {'\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'};

  private static final Map<Character, Character> CYRILLIC = Map.ofEntries(
      Map.entry('a', 'а'), Map.entry('e', 'е'), Map.entry('o', 'о'), Map.entry('p', 'р'), Map.entry('c', 'с'),
      Map.entry('x', 'х'), Map.entry('y', 'у'), Map.entry('i', 'і'), Map.entry('A', 'А'), Map.entry('B', 'В'),
      Map.entry('E', 'Е'), Map.entry('H', 'Н'), Map.entry('K', 'К'), Map.entry('M', 'М'), Map.entry('O', 'О'),
      Map.entry('P', 'Р'), Map.entry('C', 'С'), Map.entry('T', 'Т'), Map.entry('X', 'Х'));

  private static final Map<Character, Character> GREEK = Map.ofEntries(
      Map.entry('A', 'Α'), Map.entry('B', 'Β'), Map.entry('E', 'Ε'), Map.entry('H', 'Η'), Map.entry('I', 'Ι'),
      Map.entry('K', 'Κ'), Map.entry('M', 'Μ'), Map.entry('N', 'Ν'), Map.entry('O', 'Ο'), Map.entry('P', 'Ρ'),
      Map.entry('T', 'Τ'), Map.entry('X', 'Χ'), Map.entry('Y', 'Υ'), Map.entry('Z', 'Ζ'), Map.entry('o', 'ο'),
      Map.entry('v', 'ν'), Map.entry('i', 'ι'));

  /** ASCII letters and digits to their full-width forms (U+FF01..); spaces stay. */
  static String fullWidth(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(c > ' ' && c < 127 ? (char) (c - 0x21 + 0xFF01) : c);
    }
    return sb.toString();
  }

  /** Full-width digits only. */
  static String fullWidthDigits(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(c >= '0' && c <= '9' ? (char) (c - '0' + 0xFF10) : c);
    }
    return sb.toString();
  }

  /** A zero-width character after every second letter or digit. */
  static String zeroWidth(String s, Random r) {
    return interleave(s, () -> String.valueOf(ZERO_WIDTH[r.nextInt(ZERO_WIDTH.length)]), 2);
  }

  /** A soft hyphen (U+00AD) inside words and numbers, every third character. */
  static String softHyphens(String s) {
    return interleave(s, () -> "\u00AD", 3);
  }

  /** The same, written as the HTML entity a template engine emits. */
  static String softHyphenEntities(String s) {
    return interleave(htmlEscape(s), () -> "&shy;", 3);
  }

  static String cyrillic(String s) {
    return replaceSome(s, CYRILLIC);
  }

  static String greek(String s) {
    return replaceSome(s, GREEK);
  }

  /** Every letter run split across inline elements: {@code Am<span>ara</span>}. */
  static String htmlTags(String s, Random r) {
    String[] tags = {"span", "b", "font", "i", "strong"};
    StringBuilder sb = new StringBuilder();
    int i = 0;
    String escaped = s;
    while (i < escaped.length()) {
      int n = Math.min(escaped.length() - i, 2 + r.nextInt(3));
      String tag = tags[r.nextInt(tags.length)];
      String piece = htmlEscape(escaped.substring(i, i + n));
      sb.append(r.nextBoolean() ? "<" + tag + ">" + piece + "</" + tag + ">" : piece);
      i += n;
    }
    return sb.toString();
  }

  /** Empty HTML comments inside words and numbers. */
  static String htmlComments(String s) {
    return interleave(htmlEscape(s), () -> "<!-- -->", 3);
  }

  /** Every character as a numeric character reference, decimal or hexadecimal. */
  static String htmlEntities(String s, Random r) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> sb.append(r.nextBoolean() ? "&#" + cp + ";" : "&#x" + Integer.toHexString(cp) + ";"));
    return sb.toString();
  }

  static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String interleave(String s, java.util.function.Supplier<String> filler, int every) {
    StringBuilder sb = new StringBuilder();
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c);
      boolean inWord = Character.isLetterOrDigit(c) && i + 1 < s.length() && Character.isLetterOrDigit(s.charAt(i + 1));
      run = Character.isLetterOrDigit(c) ? run + 1 : 0;
      if (inWord && run % every == 0) {
        sb.append(filler.get());
      }
    }
    return sb.toString();
  }

  /** Replaces every other replaceable letter, so the word stays readable and mixed-script. */
  private static String replaceSome(String s, Map<Character, Character> map) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean take = true;
    for (char c : s.toCharArray()) {
      Character alt = map.get(c);
      if (alt != null && take) {
        sb.append(alt.charValue());
      } else {
        sb.append(c);
      }
      if (alt != null) {
        take = !take;
      }
    }
    return sb.toString();
  }
}
