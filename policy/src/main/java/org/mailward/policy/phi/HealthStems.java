package org.mailward.policy.phi;

import java.util.Locale;
import java.util.Set;

/**
 * Health context from the form of a word, for the drugs and diagnoses no hand-written dictionary
 * can list: generic drug names carry the USAN/INN stem of their class ({@code atorvastatin},
 * {@code lisinopril}, {@code metoprolol}, {@code adalimumab}, {@code semaglutide}), and the
 * diagnoses and procedures of the ICD-10 chapters are mostly built from Greek and Latin endings
 * ({@code -itis}, {@code -osis}, {@code -emia}, {@code -oma}, {@code -pathy}, {@code -ectomy},
 * {@code -plasty}, {@code -oscopy}). A word with such an ending (and long enough that the ending is
 * not the word) is health context of its kind, unless it is one of the few ordinary words that
 * happen to end that way ({@code academia}, {@code diploma}, {@code sympathy}, {@code nostalgia}).
 * Words the dictionary has already matched are left to it. Like a dictionary term, a stem is
 * context only: it makes a nearby name or identifier PHI, never a text on its own.
 *
 * <p>Cost: one pass over the characters; a word is compared with the endings only when it has six
 * or more letters and its last letter ends one of them (a table by letter), so most words cost a
 * lookup in a 26-entry array. No string is made unless an ending matches.
 */
final class HealthStems {
  /** Shortest word looked at. */
  private static final int MIN_WORD = 6;
  private static final String[] MEDICATION = {"statin", "pril", "olol", "alol", "sartan", "dipine", "mab", "tinib", "gliptin",
      "gliflozin", "glutide", "parin", "xaban", "prazole", "tidine", "floxacin", "cillin", "mycin", "micin", "cycline", "azole",
      "vir", "oxetine", "triptan", "azepam", "zolam", "profen", "olone", "isone", "asone", "caine", "lukast", "afil", "setron",
      "formin", "platin", "rubicin", "dronate", "thyroxine", "terol", "semide", "thiazide", "zosin", "pramine", "triptyline",
      "peridone", "codone", "morphone", "barbital", "glinide", "dazole", "azine", "oxacin"};
  private static final String[] CONDITION = {"itis", "osis", "emia", "aemia", "algia", "pathy", "oma", "plegia", "penia",
      "cardia", "rrhea", "rrhoea", "trophy", "iasis", "ectasis", "phobia", "megaly", "lithiasis"};
  private static final String[] PROCEDURE = {"ectomy", "otomy", "ostomy", "plasty", "oscopy", "centesis", "rrhaphy", "tripsy",
      "pexy"};
  /** Ordinary words with a clinical ending. */
  private static final Set<String> ORDINARY = Set.of("academia", "bohemia", "diploma", "diplomas", "oklahoma", "tacoma",
      "sonoma", "paloma", "idioma", "sympathy", "empathy", "apathy", "telepathy", "antipathy", "nostalgia", "hypnosis",
      "osmosis", "symbiosis", "metamorphosis", "apotheosis", "dichotomy", "magazine", "trophies");

  /** Endings by their last letter (a..z), each with its kind (CONDITION, PROCEDURE or MEDICATION ordinal). */
  private static final String[][] BY_LAST = new String[26][];
  private static final byte[][] KIND_BY_LAST = new byte[26][];

  static {
    java.util.List<java.util.List<String>> endings = new java.util.ArrayList<>();
    java.util.List<java.util.List<Byte>> kinds = new java.util.ArrayList<>();
    for (int i = 0; i < 26; i++) {
      endings.add(new java.util.ArrayList<>());
      kinds.add(new java.util.ArrayList<>());
    }
    add(endings, kinds, CONDITION, TermCategory.CONDITION);
    add(endings, kinds, PROCEDURE, TermCategory.PROCEDURE);
    add(endings, kinds, MEDICATION, TermCategory.MEDICATION);
    for (int i = 0; i < 26; i++) {
      BY_LAST[i] = endings.get(i).toArray(String[]::new);
      KIND_BY_LAST[i] = new byte[kinds.get(i).size()];
      for (int k = 0; k < KIND_BY_LAST[i].length; k++) {
        KIND_BY_LAST[i][k] = kinds.get(i).get(k);
      }
    }
  }

  private static void add(java.util.List<java.util.List<String>> endings, java.util.List<java.util.List<Byte>> kinds,
      String[] list, TermCategory kind) {
    for (String e : list) {
      int last = e.charAt(e.length() - 1) - 'a';
      endings.get(last).add(e);
      kinds.get(last).add((byte) kind.ordinal());
    }
  }

  private HealthStems() {}

  /** Records each stem word in {@code t} that no dictionary term covers as a health term of its kind. */
  static void scan(CharSequence t, TextFindings findings) {
    int n = t.length();
    int i = 0;
    while (i < n) {
      if (!asciiLetter(t.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && asciiLetter(t.charAt(i))) {
        i++;
      }
      int len = i - start;
      if (len < MIN_WORD || (i < n && (Character.isLetterOrDigit(t.charAt(i))))) {
        continue; // short, or part of a longer token (accented letters, digits): not a word we can judge
      }
      int last = (t.charAt(i - 1) | 0x20) - 'a';
      String[] endings = BY_LAST[last];
      for (int k = 0; k < endings.length; k++) {
        String e = endings[k];
        if (len >= e.length() + 2 && endsWith(t, i, e)) {
          record(t, start, i, KIND_BY_LAST[last][k], findings);
          break;
        }
      }
    }
  }

  private static void record(CharSequence t, int start, int end, int kind, TextFindings findings) {
    if (findings.termCovers(start, end) || ORDINARY.contains(t.subSequence(start, end).toString().toLowerCase(Locale.ROOT))) {
      return;
    }
    findings.stem(kind, start, end);
  }

  private static boolean endsWith(CharSequence t, int end, String ending) {
    int from = end - ending.length();
    for (int k = 0; k < ending.length(); k++) {
      if ((t.charAt(from + k) | 0x20) != ending.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean asciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
