package org.mailward.policy.phi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.policy.PolicyConfig.TenantPattern;
import org.mailward.policy.phi.PhiFinding.Category;

/**
 * Scans one decoded text for identifiers and health context.
 *
 * <p>Design: one Aho-Corasick pass finds dictionary terms and cue words; one hand-written pass over
 * alphanumeric tokens classifies candidates by shape (SSN, NPI, DEA, MBI, ICD-10-CM) and validates
 * them; a date regex runs only in the few characters after a date-of-birth cue; tenant patterns run
 * as regexes ({@link TenantRegex}: tried only where their leading literal occurs, when they have
 * one). Numbers that are ambiguous on their own (9 or 10 bare digits, DEA numbers, ICD codes)
 * count only after their cue word, which keeps phone and order numbers out. Thread-safe.
 */
public final class TextScanner {
  private static final int CUE_REACH = 40;
  private static final int LABEL_REACH = 25;
  private static final int ORDER_REACH = 20;
  static final int HEALTH = 30;
  /** Texts up to this long (a Subject, a file name) always get their health words addressed to "you" marked. */
  static final int SHORT_TEXT = 1000;
  /** The rule of health words addressed to the recipient ({@link #addressed}). */
  static final String PERSONAL_HEALTH = "health.your";
  static final int IDENTIFIER = 50;
  static final int SSN_SHAPE = 30;
  static final int DATE_WEIGHT = 35;
  static final int CONTACT = 15;
  private static final Pattern DATE = Pattern.compile(
      "[\\s:.#\\-]*(?:(?:is|on|of|for|was|at|date|scheduled|the)[\\s:]+){0,2}"
          + "(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\\s+)?(?:(\\d{1,2})[/.\\-](\\d{1,2})[/.\\-](\\d{4}|\\d{2})\\b"
          + "|(\\d{4})-(\\d{1,2})-(\\d{1,2})\\b"
          + "|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b"
          + "|(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?,?\\s+(\\d{4})\\b)",
      Pattern.CASE_INSENSITIVE);

  private final HealthDictionary dictionary;
  private final NameFinder names;
  private final List<TenantRegex> patterns;
  private final List<String> detectorNames;

  public TextScanner(HealthDictionary dictionary, List<TenantPattern> tenantPatterns) {
    this.dictionary = dictionary;
    this.names = new NameFinder(dictionary.names());
    List<TenantRegex> compiled = new ArrayList<>();
    List<String> names = new ArrayList<>(TextFindings.FIXED);
    for (TenantPattern p : tenantPatterns) {
      compiled.add(new TenantRegex(p.regex()));
      names.add("id.pattern." + p.name());
    }
    this.patterns = List.copyOf(compiled);
    this.detectorNames = List.copyOf(names);
  }

  public TextFindings scan(CharSequence text) {
    return scan(text, new ScanScratch());
  }

  /** As {@link #scan(CharSequence)}, with the passes walking through the caller's reused {@code scratch} arrays. */
  TextFindings scan(CharSequence text, ScanScratch scratch) {
    return scan(text, scratch, Set.of());
  }

  /**
   * Scans {@code text}; {@code excluded} holds the sender's own lower-case words (From display name
   * and domain), which are never a patient's name.
   */
  TextFindings scan(CharSequence text, ScanScratch scratch, Set<String> excluded) {
    char[] chunk = scratch.chunk();
    TextFindings findings = new TextFindings(detectorNames);
    Cues cues = new Cues();
    dictionary.scan(text, chunk, (category, start, end) -> {
      if (category.isHealth()) {
        findings.health(category.ordinal(), start); // health categories are numbered like their detectors
        findings.term(category.ordinal(), start, end);
      } else if (category == TermCategory.CARE) {
        findings.term(TextFindings.CARE_KIND, start, end);
      } else {
        cues.add(category, end);
        if (category == TermCategory.CUE_STREET) {
          address(text, start, end, findings);
        } else if (category == TermCategory.CUE_HEALTH_ID) {
          cues.add(TermCategory.CUE_ID, end);
        }
      }
    });
    scanTokens(text, cues, findings);
    int lastDate = -1;
    for (int end : cues.ends(TermCategory.CUE_DOB)) {
      lastDate = date(text, end, lastDate, findings, true);
    }
    lastDate = -1;
    for (int end : cues.ends(TermCategory.CUE_DATE)) {
      lastDate = date(text, end, lastDate, findings, false);
    }
    letters(text, scratch, cues, excluded, findings);
    findings.addressedTerms(text, SHORT_TEXT);
    for (int k = 0; k < patterns.size(); k++) {
      int detector = TextFindings.FIXED.size() + k;
      String rule = detectorNames.get(detector);
      patterns.get(k).forEachMatch(text, start -> {
        findings.identifier(detector, start);
        findings.add(new PhiFinding(Category.IDENTIFIER, rule, start, start + 1, IDENTIFIER));
      });
    }
    return findings;
  }

  /**
   * The one pass over the letters that {@link HealthStems} and {@link NameFinder} share: runs of
   * six or more ASCII letters go to the stem trie, each capital that starts a word (and is not
   * inside a name just read) to the name finder. Walks a {@code char[]}: the text's own array
   * when it has one ({@link CharArrayText}, every decoded body), else a copy in the scratch's chunk
   * when the text fits (a Subject), else in its letters array. Stems and names record into separate lists, so their
   * interleaving changes neither.
   */
  private void letters(CharSequence text, ScanScratch scratch, Cues cues, Set<String> excluded, TextFindings findings) {
    int n = text.length();
    char[] a;
    if (text instanceof CharArrayText c) {
      a = c.array();
    } else {
      a = n <= scratch.chunk().length ? scratch.chunk() : scratch.letters(n);
      TermAutomaton.copy(text, 0, n, a);
    }
    IntPredicate greeting = pos -> cues.justBefore(TermCategory.CUE_GREETING, text, pos);
    IntPredicate label = pos -> cues.justBefore(TermCategory.CUE_NAME, text, pos);
    IntPredicate clinician = pos -> cues.justBefore(TermCategory.CUE_CLINICIAN, text, pos);
    int nameFrom = 0; // the name finder has read up to here
    int j = 0;
    while (j < n) {
      char c = a[j];
      if (asciiLetter(c)) {
        int start = j;
        if (c <= 'Z' && j >= nameFrom && (j == 0 || !letterOrDigit(a[j - 1]))) {
          nameFrom = names.nameAt(text, j, greeting, label, clinician, excluded, findings);
        }
        j++;
        while (j < n && asciiLetter(a[j])) { // the tight loop most characters take
          j++;
        }
        if (j - start >= HealthStems.MIN_WORD && (j == n || !letterOrDigit(a[j]))) {
          HealthStems.word(a, start, j, findings);
        }
        continue; // a[j], not a letter, is looked at next as any other character
      }
      if (c >= 0xC0 && j >= nameFrom && NameFinder.isUpper(c) && (j == 0 || !letterOrDigit(a[j - 1]))) {
        nameFrom = names.nameAt(text, j, greeting, label, clinician, excluded, findings); // Ángel, Élodie
      }
      j++;
    }
  }

  private static boolean asciiLetter(char c) {
    int lc = c | 0x20;
    return lc >= 'a' && lc <= 'z';
  }

  /** {@link Character#isLetterOrDigit(char)}, answered without a table look-up for ASCII. */
  private static boolean letterOrDigit(char c) {
    return c < 0x80 ? (c >= '0' && c <= '9') || asciiLetter(c) : Character.isLetterOrDigit(c);
  }

  /**
   * "your" within the three words before {@code start}, in the same sentence: health words
   * addressed to the recipient ("your A1C result", "your diabetes care plan").
   */
  static boolean addressed(CharSequence t, int start) {
    int words = 0;
    int i = start - 1;
    while (i >= 0 && words < 4) {
      char c = t.charAt(i);
      if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ';') {
        return false;
      }
      if (Character.isLetter(c) && (i == 0 || !Character.isLetter(t.charAt(i - 1)))) {
        words++;
        if (i + 4 <= start && (t.charAt(i) == 'y' || t.charAt(i) == 'Y') && lowerIs(t, i, "your")
            && (i + 4 == t.length() || !Character.isLetter(t.charAt(i + 4)))) {
          return true;
        }
      }
      i--;
    }
    return false;
  }

  private static boolean lowerIs(CharSequence t, int at, String word) {
    for (int k = 0; k < word.length(); k++) {
      if (Character.toLowerCase(t.charAt(at + k)) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Classifies every token (letters and digits, with single inner hyphens) that holds a digit.
   * Only digits start work: the scan jumps from digit to digit, widens each to its token, and
   * continues after it; tokens without digits are never looked at.
   */
  private static void scanTokens(CharSequence text, Cues cues, TextFindings findings) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c > '9' || c < '0') {
        i++;
        continue;
      }
      int start = i;
      while (start > 0) {
        char p = text.charAt(start - 1);
        if (alnum(p)) {
          start--;
        } else if (p == '-' && start >= 2 && alnum(text.charAt(start - 2))) {
          start--;
        } else {
          break;
        }
      }
      i++;
      while (i < n) {
        char ch = text.charAt(i);
        if (alnum(ch) || (ch == '-' && i + 1 < n && alnum(text.charAt(i + 1)))) {
          i++;
        } else {
          break;
        }
      }
      classify(text, start, i, cues, findings);
    }
  }

  private static void classify(CharSequence t, int start, int end, Cues cues, TextFindings findings) {
    int len = end - start;
    if (cues.near(TermCategory.CUE_ORDER, start, ORDER_REACH)) {
      return; // an order, item or invoice number: commerce, never a person's identifier
    }
    boolean ssnCue = cues.near(TermCategory.CUE_SSN, start, CUE_REACH);
    boolean dashedSsn = len == 11 && t.charAt(start + 3) == '-' && t.charAt(start + 6) == '-' && digits(t, start, start + 3)
        && digits(t, start + 4, start + 6) && digits(t, start + 7, end);
    boolean allDigits = digits(t, start, end);
    if (ssnCue && (dashedSsn || (allDigits && len == 9))) {
      // A number labelled SSN is one, issued range or not: the label is the evidence.
      findings.identifier(TextFindings.SSN, start);
      findings.add(new PhiFinding(Category.IDENTIFIER, "id.ssn.labelled", start, end, IDENTIFIER));
      return;
    }
    int phoneAt = phone(t, start, end, cues);
    if (phoneAt > 0 || (len == 14 && t.charAt(start) == '1' && t.charAt(start + 1) == '-' && phone(t, start + 2, end, cues) > 0)) {
      // "Member Services 1-800-555-0123": a phone number, whatever label is near
      findings.add(new PhiFinding(Category.CONTACT, "contact.phone", start, Math.max(phoneAt, end), CONTACT));
      return;
    }
    if (cues.near(TermCategory.CUE_ID, start, LABEL_REACH) && len >= 5 && len <= 20 && digitCount(t, start, end) >= 4
        && !dateShaped(t, start, end)) {
      boolean health = cues.near(TermCategory.CUE_HEALTH_ID, start, LABEL_REACH);
      findings.add(new PhiFinding(Category.IDENTIFIER, health ? "id.record" : "id.account", start, end, IDENTIFIER));
      if (health) {
        findings.add(new PhiFinding(Category.HEALTH, "health.record-label", start, end, HEALTH));
      }
      return;
    }
    if (dashedSsn) {
      if (Identifiers.validSsn(num(t, start, start + 3), num(t, start + 4, start + 6), num(t, start + 7, end))) {
        findings.identifier(TextFindings.SSN, start);
        findings.add(new PhiFinding(Category.IDENTIFIER, "id.ssn.shape", start, end, SSN_SHAPE));
      }
      return;
    }
    if (allDigits && len == 10 && cues.near(TermCategory.CUE_NPI, start, CUE_REACH)) {
      if (Identifiers.validNpi(t, start)) {
        findings.identifier(TextFindings.NPI, start);
        findings.add(new PhiFinding(Category.IDENTIFIER, "id.npi", start, end, IDENTIFIER));
      }
      return;
    }
    if (len == 9 && Identifiers.validDea(t, start) && cues.near(TermCategory.CUE_DEA, start, CUE_REACH)) {
      findings.identifier(TextFindings.DEA, start);
      findings.add(new PhiFinding(Category.IDENTIFIER, "id.dea", start, end, IDENTIFIER));
      return;
    }
    if ((len == 11 && Identifiers.validMbi(t, start, false))
        || (len == 13 && t.charAt(start + 4) == '-' && t.charAt(start + 8) == '-' && Identifiers.validMbi(t, start, true))) {
      findings.identifier(TextFindings.MBI, start);
      findings.add(new PhiFinding(Category.IDENTIFIER, "id.mbi", start, end, IDENTIFIER));
      return;
    }
    if (len == 5 && allDigits && cues.near(TermCategory.CUE_CPT, start, CUE_REACH)) {
      findings.add(new PhiFinding(Category.HEALTH, "health.cpt", start, end, HEALTH));
      return;
    }
    if (len == 3 && icdStart(t, start) && (cues.near(TermCategory.CUE_ICD, start, CUE_REACH) || icdPlaced(t, start, end))) {
      findings.health(TextFindings.ICD10, start);
      int codeEnd = end + 1 < t.length() && t.charAt(end) == '.' ? wordEnd(t, end + 1) : end;
      findings.add(new PhiFinding(Category.HEALTH, "health.icd10", start, codeEnd, HEALTH));
    }
  }

  /**
   * An ICD-10-CM code written as one, {@code E11.9}, without a cue word: shaped with its dot and
   * not on a line that carries a price (a catalogue line: "Item E11.9 thermometer, $24.99").
   */
  private static boolean icdPlaced(CharSequence t, int start, int end) {
    if (end + 1 >= t.length() || t.charAt(end) != '.' || !alnum(t.charAt(end + 1))) {
      return false;
    }
    int from = start;
    while (from > 0 && t.charAt(from - 1) != '\n') {
      from--;
    }
    int to = end;
    while (to < t.length() && t.charAt(to) != '\n') {
      to++;
    }
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c == '$' || c == '\u20AC' || c == '\u00A3') {
        return false;
      }
    }
    return true;
  }

  private static int wordEnd(CharSequence t, int from) {
    int i = from;
    while (i < t.length() && alnum(t.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * A North American phone number starting at this token: {@code 617-555-0123}, {@code (617) 555-0123},
   * {@code 617.555.0123}, {@code 617 555 0123}, or ten digits after a phone cue. Returns its end, else -1.
   */
  private static int phone(CharSequence t, int start, int end, Cues cues) {
    int len = end - start;
    if (len == 12 && t.charAt(start + 3) == '-' && t.charAt(start + 7) == '-' && digits(t, start, start + 3)
        && digits(t, start + 4, start + 7) && digits(t, start + 8, end)) {
      return end;
    }
    if (len == 10 && digits(t, start, end) && cues.near(TermCategory.CUE_PHONE, start, CUE_REACH)) {
      return end;
    }
    if (len == 3 && digits(t, start, end)) {
      int i = end;
      if (i < t.length() && t.charAt(i) == ')' && start > 0 && t.charAt(start - 1) == '(') {
        i++;
      }
      if (i < t.length() && (t.charAt(i) == ' ' || t.charAt(i) == '.' || t.charAt(i) == '-')) {
        char sep = t.charAt(i);
        i++;
        if (i + 8 <= t.length() && digits(t, i, i + 3) && (t.charAt(i + 3) == '-' || t.charAt(i + 3) == sep)
            && digits(t, i + 4, i + 8) && (i + 8 == t.length() || !alnum(t.charAt(i + 8)))) {
          return i + 8;
        }
      }
    }
    return -1;
  }

  /** A street address ending at a street word: a house number and one to three capitalised words before it. */
  private static void address(CharSequence t, int start, int end, TextFindings findings) {
    int i = start - 1;
    int words = 0;
    while (i > 0 && t.charAt(i) == ' ' && words < 3) {
      int wEnd = i;
      int w = i - 1;
      while (w >= 0 && Character.isLetter(t.charAt(w))) {
        w--;
      }
      if (w + 1 >= wEnd || !Character.isUpperCase(t.charAt(w + 1))) {
        break;
      }
      words++;
      i = w;
      int d = i - 1;
      if (i >= 0 && t.charAt(i) == ' ' && d >= 0 && Character.isDigit(t.charAt(d))) {
        int ds = d;
        while (ds > 0 && Character.isDigit(t.charAt(ds - 1))) {
          ds--;
        }
        if (d - ds < 6 && (ds == 0 || !alnum(t.charAt(ds - 1)))) {
          findings.add(new PhiFinding(Category.CONTACT, "contact.address", ds, end, CONTACT));
          return;
        }
      }
    }
  }

  /** A digit in {@code [from, to)} with at most four words before it (fillers, a weekday, a month). */
  private static boolean digitSoonAfter(CharSequence t, int from, int to) {
    int words = 0;
    boolean inWord = false;
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
      boolean letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
      if (letter && !inWord && ++words > 4) {
        return false;
      }
      inWord = letter;
    }
    return false;
  }

  private static int digitCount(CharSequence t, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        n++;
      }
    }
    return n;
  }

  /** {@code 1984-09-17}: a date, which a label such as "ID" before it does not make a record number. */
  /** {@code 2026-05-12}, or an ISO 8601 basic date-time {@code 20260512T230000Z} (calendars, logs): a date, not an identifier. */
  private static boolean dateShaped(CharSequence t, int start, int end) {
    int len = end - start;
    if (len == 10) {
      return t.charAt(start + 4) == '-' && t.charAt(start + 7) == '-';
    }
    return (len == 15 || (len == 16 && t.charAt(end - 1) == 'Z')) && t.charAt(start + 8) == 'T' && digits(t, start, start + 8)
        && digits(t, start + 9, start + 15);
  }

  private static boolean icdStart(CharSequence t, int at) {
    char a = t.charAt(at);
    char b = t.charAt(at + 1);
    char c = t.charAt(at + 2);
    return a >= 'A' && a <= 'Z' && a != 'U' && b >= '0' && b <= '9' && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
  }

  /**
   * Records a date right after a cue — a date of birth ({@code dob}) or a date of care — and returns
   * the end of the date (overlapping cues such as "born" and "born on" count once).
   */
  private static int date(CharSequence text, int from, int lastDate, TextFindings findings, boolean dob) {
    int to = Math.min(text.length(), from + CUE_REACH + 20);
    if (!digitSoonAfter(text, from, to)) {
      return lastDate; // every date form has a digit within its first few words: most cues ("visit our site") do not
    }
    Matcher m = DATE.matcher(text);
    m.region(from, to);
    if (!m.lookingAt() || m.end() == lastDate) {
      return lastDate;
    }
    int month;
    int day;
    if (m.group(1) != null) {
      month = Integer.parseInt(m.group(1));
      day = Integer.parseInt(m.group(2));
      if (month > 12 && day <= 12) { // day/month order
        int t = month;
        month = day;
        day = t;
      }
    } else if (m.group(4) != null) {
      month = Integer.parseInt(m.group(5));
      day = Integer.parseInt(m.group(6));
    } else if (m.group(7) != null) {
      month = 1;
      day = Integer.parseInt(m.group(8));
    } else {
      month = 1;
      day = Integer.parseInt(m.group(10));
    }
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      int start = m.start(m.group(1) != null ? 1 : m.group(4) != null ? 4 : m.group(7) != null ? 7 : 10);
      if (dob) {
        findings.identifier(TextFindings.DOB, from);
        findings.add(new PhiFinding(Category.IDENTIFIER, "id.dob", start, m.end(), IDENTIFIER));
      } else {
        findings.add(new PhiFinding(Category.DATE, "date.care", start, m.end(), DATE_WEIGHT));
      }
      return m.end();
    }
    return lastDate;
  }

  private static boolean alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean digits(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int num(CharSequence s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  /** Cue-word end positions per kind, in text order. */
  private static final class Cues {
    private final int[][] ends = new int[TermCategory.values().length][];
    private final int[] sizes = new int[TermCategory.values().length];

    void add(TermCategory category, int end) {
      int k = category.ordinal();
      if (ends[k] == null) {
        ends[k] = new int[4];
      } else if (sizes[k] == ends[k].length) {
        ends[k] = Arrays.copyOf(ends[k], sizes[k] * 2);
      }
      ends[k][sizes[k]++] = end;
    }

    int[] ends(TermCategory category) {
      int k = category.ordinal();
      return ends[k] == null ? new int[0] : Arrays.copyOf(ends[k], sizes[k]);
    }

    /** A cue of this kind ends at most {@code reach} characters before {@code position}. */
    boolean near(TermCategory category, int position, int reach) {
      int e = lastEndAtOrBefore(category, position);
      return e >= 0 && position - e <= reach;
    }

    /** A cue of this kind ends right before {@code position}, with only spaces and {@code : , -} between. */
    boolean justBefore(TermCategory category, CharSequence text, int position) {
      int p = position;
      while (p > 0 && position - p < 4) {
        char c = text.charAt(p - 1);
        if (c != ' ' && c != ':' && c != ',' && c != '-' && c != '\n') {
          break;
        }
        p--;
      }
      int e = lastEndAtOrBefore(category, position);
      return e >= 0 && e >= p;
    }

    /**
     * The last end of a cue of this kind at or before {@code position}, else -1: a binary search, as
     * the automaton reports matches in order of their end (cue lists of a long text run to thousands).
     */
    private int lastEndAtOrBefore(TermCategory category, int position) {
      int k = category.ordinal();
      int[] e = ends[k];
      int lo = 0;
      int hi = sizes[k] - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (e[mid] <= position) {
          found = e[mid];
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }
  }
}
