package org.mailward.policy.phi;

import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;
import org.mailward.policy.phi.PhiFinding.Category;

/**
 * Finds personal names in a normalised text: runs of two or three capitalised words (a middle
 * initial allowed), or one after a salutation or label ("Dear Jane,", "Patient: Jane Example").
 * A run is a name when none of its words is an ordinary English word (unless the given-name or
 * surname list has it), an organisation, place or date word ({@link NameLists#notAName}) or one of
 * the sender's own words (the From display name and domain), and it is not a clinician's (after
 * "Dr.", before ", MD") or a signature's (after "Sincerely,"). A name is <em>strong</em> (weight
 * 40) when context says it is a person's — a salutation or label before it, a possessive or a
 * vocative comma after it, a street address right after it ("ship to Jane Roe, 12 Elm Street": an
 * addressee), the lists know the given name, or the surname with an unknown first
 * word — and <em>weak</em> (25) otherwise: a weak name scores with an identifier, or with health context in
 * the same sentence ({@link PhiScore}). A name after a salutation ("Hi Jane,") is the recipient's:
 * personalisation, which says something about their health only with health words addressed to
 * them ("your A1C"), an identifier or a date of care; a name after a label ("Patient:") is a record's.
 * A given name that is also an ordinary word ("Wren", "Hope", "Faith") starts a name only when a
 * word that is not ordinary follows it and something says it is a person: a salutation or label
 * before it, a surname on the list or a street address after it ("Dear Wren Castellanos,").
 *
 * <p>Cost: no pass of its own: {@link TextScanner}'s letter pass (shared with {@link HealthStems})
 * calls {@link #nameAt} at each capital that starts a word; a word is looked up (one lower-case
 * string) only when it is capitalised and followed by another capitalised word, or follows a name cue.
 */
final class NameFinder {
  static final String SALUTATION = "name.salutation";
  static final int STRONG = 40;
  static final int WEAK = 25;
  private static final int CUE_GAP = 4;
  private static final String[] SIGNOFFS = {"sincerely", "regards", "best,", "thanks,", "thank you,", "warmly", "cheers",
      "yours", "respectfully"};
  private static final String[] CREDENTIALS = {"md", "m.d.", "do", "np", "rn", "pa", "pa-c", "phd", "dds", "dmd", "od",
      "lcsw", "fnp", "aprn", "director", "manager", "coordinator", "specialist", "ceo", "president", "team"};

  private final NameLists lists;

  NameFinder(NameLists lists) {
    this.lists = lists;
  }

  /**
   * Looks for a name starting at {@code i}, a capital letter that no letter or digit precedes, and
   * adds its finding; returns the position the caller's walk may next call this at (the end of what
   * was read, or {@code i + 1}). The caller ({@link TextScanner}'s letter pass, shared with
   * {@link HealthStems}) finds the capitals. The cue predicates answer whether a salutation, a label
   * or a clinician's title ends just before a position; {@code excluded} holds the sender's
   * lower-case words.
   */
  int nameAt(CharSequence t, int i, IntPredicate greetingCue, IntPredicate labelCue, IntPredicate clinicianCue,
      Set<String> excluded, TextFindings out) {
    int end1 = wordEnd(t, i);
    if (end1 < 0) {
      return i + 1;
    }
    boolean greeted = greetingCue.test(i);
    boolean cued = greeted || labelCue.test(i);
    int next = nextWord(t, end1);
    if (next < 0 && !cued) {
      return end1;
    }
    int runEnd = i;
    int words = 0;
    boolean organisation = false;
    boolean afterParticle = false;
    String first = null;
    String last = null;
    int at = i;
    int wordEnd = end1;
    while (true) {
      String w = lower(t, at, wordEnd);
      if (isParticle(w)) { // "Van" of "Ingrid Van der Berg"
        runEnd = wordEnd;
        int nx = nextWord(t, wordEnd);
        if (nx < 0) {
          break;
        }
        at = nx;
        wordEnd = wordEnd(t, nx);
        continue;
      }
      if (lists.notAName(w) || excluded.contains(w)) {
        organisation = true; // "Meadowlark Pharmacy", "Harborview Dermatology": the whole run is not a person
        runEnd = Math.max(runEnd, wordEnd);
        break;
      }
      if (!lists.given(w) && !lists.surname(w) && lists.ordinary(w) && !afterParticle
          && !(words == 0 && ordinaryGivenName(t, wordEnd, cued, excluded, out))) {
        break; // an ordinary word ends the run, except a surname after "van der", "de la"…
      }
      first = first == null ? w : first;
      last = w;
      words++;
      runEnd = wordEnd;
      int nx = words == 3 ? -1 : nextWord(t, wordEnd);
      if (nx < 0) {
        break;
      }
      afterParticle = nx - wordEnd > 1 && Character.isLowerCase(t.charAt(wordEnd + 1));
      at = nx;
      wordEnd = wordEnd(t, nx);
    }
    boolean single = words == 1 && cued && (lists.given(first) || !lists.ordinary(first));
    if (organisation || words == 0 || (words == 1 && !single) || clinicianCue.test(i) || signature(t, i) || credential(t, runEnd)) {
      return Math.max(end1, runEnd);
    }
    boolean strongLists = words >= 2
        ? (lists.given(first) && !lists.ordinary(last)) || (lists.surname(last) && !lists.given(first) && !lists.ordinary(first))
        : lists.given(first);
    boolean addressee = followedByAddress(t, runEnd, out);
    boolean strong = cued || strongLists || addressee || possessiveOrVocative(t, i, runEnd);
    String rule = greeted ? SALUTATION : cued ? "name.label" : strongLists ? "name.lists" : addressee ? "name.addressee"
        : strong ? "name.context" : "name.capitalised";
    out.add(new PhiFinding(Category.NAME, rule, i, runEnd, strong ? STRONG : WEAK));
    return runEnd;
  }

  /**
   * An ordinary word ending at {@code end} that is a given name here: the next word is capitalised,
   * not ordinary and not an organisation's, and a cue before, a known surname, or an address after says person.
   */
  private boolean ordinaryGivenName(CharSequence t, int end, boolean cued, Set<String> excluded, TextFindings out) {
    int nx = nextWord(t, end);
    if (nx < 0) {
      return false;
    }
    int e2 = wordEnd(t, nx);
    String w2 = lower(t, nx, e2);
    if (lists.notAName(w2) || excluded.contains(w2) || lists.ordinary(w2)) {
      return false;
    }
    return cued || lists.surname(w2) || followedByAddress(t, e2, out);
  }

  /** {@code , 12 Elm Street} right after {@code end}: a street address the scanner found starts there. */
  private static boolean followedByAddress(CharSequence t, int end, TextFindings out) {
    int n = t.length();
    int j = end;
    if (j < n && t.charAt(j) == ',') {
      j++;
    }
    int spaces = 0;
    while (j < n && t.charAt(j) == ' ' && spaces < 2) {
      j++;
      spaces++;
    }
    return j > end && j < n && Character.isDigit(t.charAt(j)) && out.addressStartsAt(j);
  }

  /** End of a capitalised word at {@code i} ({@code Jane}, {@code O'Brien}, {@code Smith-Jones}, {@code McKay}), or -1. */
  private static int wordEnd(CharSequence t, int i) {
    int n = t.length();
    int j = i + 1;
    boolean lower = false;
    while (j < n) {
      char c = t.charAt(j);
      if (c >= 'a' && c <= 'z') {
        lower = true;
        j++;
      } else if ((c >= 'A' && c <= 'Z') || c >= 0xC0 && Character.isLetter(c)) {
        j++;
      } else if ((c == '\'' || c == '-') && j + 1 < n && Character.isLetter(t.charAt(j + 1)) && !(c == '\'' && t.charAt(j + 1) == 's'
          && (j + 2 == n || !Character.isLetter(t.charAt(j + 2))))) {
        j++;
      } else {
        break;
      }
    }
    if (!lower || j - i < 2 || (j < n && Character.isDigit(t.charAt(j)))) {
      return -1;
    }
    return j;
  }

  /** Start of the next capitalised word after {@code end}: one space, or a space, an initial and a dot. Else -1. */
  private static int nextWord(CharSequence t, int end) {
    int n = t.length();
    if (end >= n || t.charAt(end) != ' ') {
      return -1;
    }
    int j = end + 1;
    if (j + 2 < n && isUpper(t.charAt(j)) && t.charAt(j + 1) == '.' && t.charAt(j + 2) == ' ') {
      j += 3; // middle initial
    }
    for (int k = 0; k < 2; k++) { // surname particles: Ingrid van der Berg, Luis de la Cruz
      int p = particleEnd(t, j);
      if (p < 0) {
        break;
      }
      j = p;
    }
    if (j < n && isUpper(t.charAt(j)) && wordEnd(t, j) > 0) {
      return j;
    }
    return -1;
  }

  private static final String[] PARTICLES = {"van", "der", "den", "de", "la", "le", "del", "della", "da", "di", "dos",
      "du", "von", "bin", "al", "el", "ten", "ter"};
  private static final int MAX_PARTICLE = 5; // "della"

  private static boolean isParticle(String lower) {
    for (String p : PARTICLES) {
      if (p.equals(lower)) {
        return true;
      }
    }
    return false;
  }

  /** After a lower-case surname particle at {@code j} and one space, the next position; else -1. */
  private static int particleEnd(CharSequence t, int j) {
    int n = t.length();
    if (j >= n || t.charAt(j) < 'a' || t.charAt(j) > 'v') {
      return -1; // every particle starts with a lower-case letter a..v: most text is rejected here
    }
    int e = j + 1;
    while (e < n && e - j <= MAX_PARTICLE && t.charAt(e) >= 'a' && t.charAt(e) <= 'z') {
      e++;
    }
    if (e >= n || t.charAt(e) != ' ' || e - j > MAX_PARTICLE) {
      return -1; // a particle is a short lower-case word followed by a space: only those of its length are compared
    }
    for (String p : PARTICLES) {
      if (p.length() == e - j && regionIs(t, j, p)) {
        return e + 1;
      }
    }
    return -1;
  }

  private static boolean regionIs(CharSequence t, int at, String word) {
    for (int k = 0; k < word.length(); k++) {
      if (t.charAt(at + k) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** A capital letter: ASCII, or an accented Latin capital (Ángel, Élodie, Øyvind). */
  static boolean isUpper(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && Character.isUpperCase(c));
  }

  private static String lower(CharSequence t, int from, int to) {
    return t.subSequence(from, to).toString().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code Jane Example's}; {@code Jane Example,}/{@code Jane Example:} at the start of the text or
   * a line; or {@code , Jane Example.} closing a sentence (addressed to the reader).
   */
  private static boolean possessiveOrVocative(CharSequence t, int start, int end) {
    int n = t.length();
    if (end + 1 < n && (t.charAt(end) == '\'' || t.charAt(end) == '\u2019') && t.charAt(end + 1) == 's') {
      return true;
    }
    if (end < n && (t.charAt(end) == '.' || t.charAt(end) == '!' || t.charAt(end) == '?') && start >= 2
        && t.charAt(start - 1) == ' ' && t.charAt(start - 2) == ',') {
      return true; // "Thank you for trusting us with your care, Jane Roe."
    }
    if (end < n && (t.charAt(end) == ',' || t.charAt(end) == ':' || t.charAt(end) == '(')) {
      int p = start - 1;
      while (p >= 0 && t.charAt(p) == ' ') {
        p--;
      }
      return p < 0 || t.charAt(p) == '\n' || t.charAt(p) == ':' || t.charAt(p) == '!' || t.charAt(p) == '.';
    }
    return false;
  }

  /** A sign-off ("Sincerely,") in the few characters before {@code start}: the sender's name, not a patient's. */
  private static boolean signature(CharSequence t, int start) {
    int from = Math.max(0, start - 16);
    String before = t.subSequence(from, start).toString().toLowerCase(Locale.ROOT);
    for (String s : SIGNOFFS) {
      if (before.contains(s)) {
        return true;
      }
    }
    return false;
  }

  /** A credential or role right after the name ("…, MD", "… RN", "…, Practice Manager"): staff, not a patient. */
  private static boolean credential(CharSequence t, int end) {
    int n = t.length();
    int j = end;
    if (j < n && t.charAt(j) == ',') {
      j++;
    }
    while (j < n && t.charAt(j) == ' ') {
      j++;
    }
    int k = j;
    while (k < n && k - j < 12 && (Character.isLetter(t.charAt(k)) || t.charAt(k) == '.' || t.charAt(k) == '-')) {
      k++;
    }
    if (k == j) {
      return false;
    }
    String w = t.subSequence(j, k).toString().toLowerCase(Locale.ROOT);
    for (String c : CREDENTIALS) {
      if (w.equals(c)) {
        return true;
      }
    }
    return false;
  }
}
