package org.mailward.policy.phi;

import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.text.Normalizer2;
import java.util.Arrays;

/**
 * Text as the detector matches it: Unicode NFKC (full-width digits and letters, ligatures,
 * no-break spaces become their plain forms), format characters removed (zero-width space and
 * joiners, soft hyphen, byte-order mark, bidi controls: everything of general category Cf), and
 * letters from other scripts that look like Latin letters or digits folded to them through
 * ICU's confusables skeleton ({@link SpoofChecker#getSkeleton}), so {@code Ѕ}{@code ЅN} reads
 * {@code SSN}. Keeps, for every output character, the offset of the input character it came from,
 * so findings can point back to the original.
 *
 * <p>Not a transliterator: a non-ASCII letter whose skeleton is not plain ASCII (é, ß, ö, CJK)
 * stays as it is, and ASCII is never folded (the skeleton of {@code m} is {@code rn}, of
 * {@code 0} is {@code O}: folding ASCII would break digits and words).
 *
 * <p>Cost: plain ASCII text (most mail) is detected in one pass and returned as it is, with no
 * copy and no offset table. Otherwise one pass per character; the skeleton of each distinct
 * non-ASCII character in the blocks that have Latin look-alikes is computed once, when the class
 * loads, into a read-only 64 K table.
 */
public final class NormalText {
  private static final char KEEP = '\uFFFE';
  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  /** Blocks whose letters have Latin look-alikes: Latin-1 to Armenian, Cherokee, phonetic, letterlike, Coptic, Cyrillic ext., half/full-width. */
  private static final int[][] FOLDED_BLOCKS = {{0x80, 0x58F}, {0x13A0, 0x13FF}, {0x1D00, 0x1DBF}, {0x1E00, 0x1EFF},
      {0x2000, 0x218F}, {0x2C00, 0x2E7F}, {0xA640, 0xA7FF}, {0xFF00, 0xFFEF}};
  /** Look-alike per BMP character of those blocks (KEEP: none), computed once from ICU's confusables; read-only after. */
  private static final char[] FOLD = foldTable();

  private final CharSequence text;
  private final int[] origin;

  private NormalText(CharSequence text, int[] origin) {
    this.text = text;
    this.origin = origin;
  }

  /** The normalised form of {@code in}; {@code in} itself when normalising changes nothing (plain ASCII, most mail). */
  public static NormalText of(CharSequence in) {
    int n = in.length();
    int i = 0;
    if (in instanceof CharArrayText c) { // a decoded body: the check walks its array, not charAt
      char[] a = c.array();
      while (i < n && (a[i] < 0x80 || unchanged(a[i]))) {
        i++;
      }
    } else {
      while (i < n && (in.charAt(i) < 0x80 || unchanged(in.charAt(i)))) {
        i++;
      }
    }
    if (i == n) {
      return new NormalText(in, null);
    }
    StringBuilder out = new StringBuilder(n);
    int[] origin = new int[n + 16];
    out.append(in, 0, i);
    for (int k = 0; k < i; k++) {
      origin[k] = k;
    }
    while (i < n) {
      char c = in.charAt(i);
      if (c < 0x80 || unchanged(c)) {
        origin = put(out, origin, c, i);
        i++;
        continue;
      }
      int cp = Character.codePointAt(in, i);
      int width = Character.charCount(cp);
      if (Character.getType(cp) != Character.FORMAT) {
        String nfkc = NFKC.normalize(new String(Character.toChars(cp)));
        for (int k = 0; k < nfkc.length(); k++) {
          origin = put(out, origin, fold(nfkc.charAt(k)), i);
        }
      }
      i += width;
    }
    return new NormalText(out, Arrays.copyOf(origin, out.length()));
  }

  /** A BMP character that NFKC, format removal and folding all leave as it is (é, ü, CJK…): the cheap common case. */
  private static boolean unchanged(char c) {
    return !Character.isSurrogate(c) && Character.getType(c) != Character.FORMAT && NFKC.isInert(c) && fold(c) == c;
  }

  private static int[] put(StringBuilder out, int[] origin, char c, int from) {
    if (out.length() == origin.length) {
      origin = Arrays.copyOf(origin, origin.length * 2);
    }
    origin[out.length()] = from;
    out.append(c);
    return origin;
  }

  /** A non-ASCII character's one-character ASCII look-alike, or itself. */
  static char fold(char c) {
    if (c < 0x80 || Character.isSurrogate(c)) {
      return c;
    }
    char f = FOLD[c];
    if (f == 0) {
      f = Character.isSpaceChar(c) ? ' ' : KEEP;
    }
    if (f != KEEP && Character.isLetter(c) && Character.isDigit(f)) {
      return c; // a letter that looks like a digit (Cyrillic З, О) stays a letter; only real digits fold to digits
    }
    return f == KEEP ? c : f;
  }

  private static char[] foldTable() {
    SpoofChecker spoof = new SpoofChecker.Builder().build();
    char[] table = new char[0x10000];
    for (int[] block : FOLDED_BLOCKS) {
      for (int c = block[0]; c <= block[1]; c++) {
        String skeleton = spoof.getSkeleton(String.valueOf((char) c));
        char s = skeleton.length() == 1 ? skeleton.charAt(0) : 0;
        table[c] = s > 0x20 && s < 0x7F ? s : Character.isSpaceChar((char) c) ? ' ' : KEEP;
      }
    }
    return table;
  }

  /** The normalised text. */
  public CharSequence text() {
    return text;
  }

  /** The offset in the original text of the character at {@code index} of the normalised one. */
  public int origin(int index) {
    if (origin == null) {
      return index;
    }
    return index >= origin.length ? (origin.length == 0 ? 0 : origin[origin.length - 1] + 1) : origin[index];
  }

  /** True when normalising changed nothing. */
  public boolean identity() {
    return origin == null;
  }
}
