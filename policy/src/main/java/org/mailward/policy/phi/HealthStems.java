package org.mailward.policy.phi;

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
 * <p>Cost: no pass of its own: {@link TextScanner}'s letter pass, shared with {@link NameFinder},
 * hands it each word of six or more ASCII letters, which is read backwards through a trie of the
 * endings, usually for one or two letters. Nothing is allocated unless a stem is recorded.
 */
final class HealthStems {
  /** Shortest word looked at. */
  static final int MIN_WORD = 6;
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
  private static final String[] ORDINARY = {"academia", "bohemia", "diploma", "diplomas", "oklahoma", "tacoma", "sonoma",
      "paloma", "idioma", "sympathy", "empathy", "apathy", "telepathy", "antipathy", "nostalgia", "hypnosis", "osmosis",
      "symbiosis", "metamorphosis", "apotheosis", "dichotomy", "magazine"};

  /**
   * The endings as a trie read backwards from a word's last letter: {@code NEXT[node * 26 + letter]}
   * is the child (0: none), {@code KIND[node]} the category ordinal of the ending that ends there
   * (-1: none). A word costs one load per letter of its longest matching tail, usually one or two.
   */
  private static final char[] NEXT; // node numbers fit a char: the table stays in the L1 cache
  private static final byte[] KIND;

  static {
    java.util.List<String> all = new java.util.ArrayList<>();
    java.util.List<Byte> kinds = new java.util.ArrayList<>();
    for (String e : CONDITION) {
      all.add(e);
      kinds.add((byte) TermCategory.CONDITION.ordinal());
    }
    for (String e : PROCEDURE) {
      all.add(e);
      kinds.add((byte) TermCategory.PROCEDURE.ordinal());
    }
    for (String e : MEDICATION) {
      all.add(e);
      kinds.add((byte) TermCategory.MEDICATION.ordinal());
    }
    int capacity = 1;
    for (String e : all) {
      capacity += e.length();
    }
    char[] next = new char[capacity * 26];
    byte[] kind = new byte[capacity];
    java.util.Arrays.fill(kind, (byte) -1);
    int nodes = 1;
    for (int i = 0; i < all.size(); i++) {
      String e = all.get(i);
      int node = 0;
      for (int k = e.length() - 1; k >= 0; k--) {
        int slot = node * 26 + (e.charAt(k) - 'a');
        if (next[slot] == 0) {
          next[slot] = (char) nodes++;
        }
        node = next[slot];
      }
      kind[node] = kinds.get(i);
    }
    NEXT = java.util.Arrays.copyOf(next, nodes * 26);
    KIND = java.util.Arrays.copyOf(kind, nodes);
  }

  private HealthStems() {}

  /**
   * Records the word {@code a[start, end)} of ASCII letters as a health term of its kind when it
   * has a stem ending, no dictionary term covers it and it is not an ordinary word. The caller
   * ({@link TextScanner}'s letter pass, shared with {@link NameFinder}) calls it in text order for
   * each run of {@link #MIN_WORD} or more ASCII letters that no letter or digit follows.
   */
  static void word(char[] a, int start, int end, TextFindings findings) {
    if (start > 0 && Character.isLetterOrDigit(a[start - 1])) {
      return; // the tail of a longer token ("Ángel", "x2hepatitis"): not a word we can judge
    }
    int node = 0;
    for (int i = end - 1; i > start + 1; i--) { // an ending leaves at least two letters of stem
      node = NEXT[node * 26 + ((a[i] | 0x20) - 'a')];
      if (node == 0) {
        return;
      }
      if (KIND[node] >= 0) {
        record(a, start, end, KIND[node], findings);
        return;
      }
    }
  }

  private static void record(char[] a, int start, int end, int kind, TextFindings findings) {
    if (findings.termCovers(start, end) || ordinary(a, start, end)) {
      return;
    }
    findings.stem(kind, start, end);
  }

  private static boolean ordinary(char[] a, int start, int end) {
    for (String w : ORDINARY) {
      if (w.length() == end - start && endsWith(a, end, w)) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsWith(char[] a, int end, String ending) {
    int from = end - ending.length();
    for (int k = 0; k < ending.length(); k++) {
      if ((a[from + k] | 0x20) != ending.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
