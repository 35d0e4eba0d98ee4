package org.mailward.policy.phi;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * What one scan of one text found: counts per detector (for evidence) and the positions of
 * identifiers and health terms (for the proximity verdict). Never the matched text. Detectors are
 * numbered by the scanner (the fixed ones below, then the tenant's patterns) so that recording a
 * hit is an array increment; names are only looked up when counts are read.
 */
public final class TextFindings {
  static final int CONDITION = 0;
  static final int PROCEDURE = 1;
  static final int MEDICATION = 2;
  static final int LAB = 3;
  static final int ICD10 = 4;
  static final int SSN = 5;
  static final int NPI = 6;
  static final int DEA = 7;
  static final int MBI = 8;
  static final int DOB = 9;
  /** Names of the fixed detectors, by number; tenant patterns follow. */
  static final List<String> FIXED = List.of("health.condition", "health.procedure", "health.medication", "health.lab",
      "health.icd10", "id.ssn", "id.npi", "id.dea", "id.mbi", "id.dob");

  private final List<String> names;
  private final List<PhiFinding> findings = new java.util.ArrayList<>();
  private final int[] hits;
  private int[] identifiers = new int[8];
  private int identifierCount;
  private int[] health = new int[8];
  private int healthCount;
  /** Dictionary terms (health kinds and care words), the most frequent finding: kept as arrays, not objects. */
  private int[] termStart = new int[8];
  private int[] termEnd = new int[8];
  private byte[] termKind = new byte[8];
  private int termCount;
  static final int CARE_KIND = 4;
  /** A word known by its clinical ending ({@link HealthStems}): this plus the health category's ordinal. */
  static final int STEM_KIND = 5;
  private static final String[] TERM_RULES = {"health.condition", "health.procedure", "health.medication", "health.lab",
      "health.care", "health.condition.stem", "health.procedure.stem", "health.medication.stem"};

  TextFindings(List<String> names) {
    this.names = names;
    this.hits = new int[names.size()];
  }

  void identifier(int detector, int position) {
    hits[detector]++;
    if (identifierCount == identifiers.length) {
      identifiers = Arrays.copyOf(identifiers, identifierCount * 2);
    }
    identifiers[identifierCount++] = position;
  }

  void health(int detector, int position) {
    hits[detector]++;
    if (healthCount == health.length) {
      health = Arrays.copyOf(health, healthCount * 2);
    }
    health[healthCount++] = position;
  }

  /** A dictionary term: {@code kind} is a health category's ordinal (CONDITION..LAB) or {@link #CARE_KIND}. */
  void term(int kind, int start, int end) {
    if (termCount == termStart.length) {
      termStart = Arrays.copyOf(termStart, termCount * 2);
      termEnd = Arrays.copyOf(termEnd, termCount * 2);
      termKind = Arrays.copyOf(termKind, termCount * 2);
    }
    termStart[termCount] = start;
    termEnd[termCount] = end;
    termKind[termCount++] = (byte) kind;
  }

  /** A word with a clinical ending ({@link HealthStems}); {@code category} is a health category's ordinal. */
  void stem(int category, int start, int end) {
    if (healthCount == health.length) {
      health = Arrays.copyOf(health, healthCount * 2);
    }
    health[healthCount++] = start;
    term(STEM_KIND + category, start, end);
  }

  /**
   * A dictionary term already covers {@code [start, end)}. Callers ask in increasing order of
   * position: the dictionary's terms arrive in order of their end ({@link TermAutomaton} keeps
   * it), so a cursor skips those that end before {@code end} and only the few ending within a
   * term's length after it are looked at.
   */
  boolean termCovers(int start, int end) {
    if (dictionaryTerms < 0) {
      dictionaryTerms = termCount; // stems are appended after the dictionary's terms, out of their order
    }
    while (coverCursor < dictionaryTerms && termEnd[coverCursor] < end) {
      coverCursor++;
    }
    for (int i = coverCursor; i < dictionaryTerms && termEnd[i] <= end + MAX_TERM_REACH; i++) {
      if (termStart[i] <= start) {
        return true;
      }
    }
    return false;
  }

  /** Characters a dictionary term may extend past a word inside it ("hepatitis" in "hepatitis b vaccine series"). */
  private static final int MAX_TERM_REACH = 64;
  private int coverCursor;
  private int dictionaryTerms = -1;

  int termCount() {
    return termCount;
  }

  /** The dictionary term nearest to {@code [start, end)} that does not overlap it, as a finding; null when there is none. */
  PhiFinding nearestTerm(int start, int end) {
    long best = Long.MAX_VALUE;
    int at = -1;
    for (int i = 0; i < termCount; i++) { // a linear pass per anchor: anchors (names, identifiers) are few
      int s = termStart[i];
      int e = termEnd[i];
      if (s < end && start < e) {
        continue;
      }
      long d = e <= start ? start - e : s - end;
      if (d < best) {
        best = d;
        at = i;
      }
    }
    return at < 0 ? null
        : new PhiFinding(PhiFinding.Category.HEALTH, TERM_RULES[termKind[at]], termStart[at], termEnd[at], TextScanner.HEALTH);
  }

  /**
   * Marks the health terms (not care words) addressed to the recipient ("your A1C") as findings of
   * their own. Only where they can count: in a short text (a Subject, a file name), or where a
   * salutation named the recipient (the only name they pair with); elsewhere the look-behind is skipped.
   */
  void addressedTerms(CharSequence text, int shortText) {
    boolean needed = text.length() <= shortText;
    for (int i = 0; i < findings.size() && !needed; i++) {
      needed = findings.get(i).rule().equals(NameFinder.SALUTATION);
    }
    if (!needed) {
      return;
    }
    for (int i = 0; i < termCount; i++) {
      if (termKind[i] != CARE_KIND && TextScanner.addressed(text, termStart[i])) {
        findings.add(new PhiFinding(PhiFinding.Category.HEALTH, TextScanner.PERSONAL_HEALTH, termStart[i], termEnd[i],
            TextScanner.HEALTH));
      }
    }
  }

  /** A street address ({@code contact.address}) begins at {@code position}. */
  boolean addressStartsAt(int position) {
    for (int i = 0; i < findings.size(); i++) {
      PhiFinding f = findings.get(i);
      if (f.start() == position && f.category() == PhiFinding.Category.CONTACT && f.rule().equals("contact.address")) {
        return true;
      }
    }
    return false;
  }

  void add(PhiFinding f) {
    findings.add(f);
  }

  /**
   * The evidence other than plain dictionary terms (names, identifiers, dates, contacts, codes,
   * health words addressed to the recipient), in the order found; offsets into the scanned text.
   */
  public List<PhiFinding> findings() {
    return Collections.unmodifiableList(findings);
  }

  /** The score of this text: pairs closer than {@code window} characters ({@link PhiScore}). */
  public PhiScore score(int window) {
    return PhiScore.of(this, window);
  }

  public int identifierCount() {
    return identifierCount;
  }

  public int healthCount() {
    return healthCount;
  }

  /** Detector name to number of hits (detectors with hits only), sorted by name. */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    forEachRuleCount(counts::put);
    return Collections.unmodifiableMap(counts);
  }

  /** Calls {@code action} with each detector that hit and its count, without building a map. */
  void forEachCount(BiConsumer<String, Integer> action) {
    for (int d = 0; d < hits.length; d++) {
      if (hits[d] > 0) {
        action.accept(names.get(d), hits[d]);
      }
    }
  }

  /** As {@link #forEachCount}, with the rules of the explained findings too (names, labelled identifiers, contacts…). */
  void forEachRuleCount(BiConsumer<String, Integer> action) {
    forEachCount(action);
    Map<String, Integer> rules = new TreeMap<>();
    for (int i = 0; i < termCount; i++) {
      if (termKind[i] >= CARE_KIND) { // care words and stems; the dictionary's health kinds are counted in hits
        rules.merge(TERM_RULES[termKind[i]], 1, Integer::sum);
      }
    }
    for (PhiFinding f : findings) {
      if (!names.contains(f.rule())) { // the fixed detectors' findings are counted in hits already
        rules.merge(f.rule(), 1, Integer::sum);
      }
    }
    rules.forEach(action);
  }

  /** True when an identifier and a health term lie within {@code window} characters of each other. */
  public boolean identifierNearHealth(int window) {
    if (identifierCount == 0 || healthCount == 0) {
      return false;
    }
    int[] ids = Arrays.copyOf(identifiers, identifierCount);
    int[] hs = Arrays.copyOf(health, healthCount);
    Arrays.sort(ids);
    Arrays.sort(hs);
    int j = 0;
    for (int id : ids) {
      while (j < hs.length && hs[j] < id - window) {
        j++;
      }
      if (j < hs.length && Math.abs(hs[j] - id) <= window) {
        return true;
      }
    }
    return false;
  }
}
