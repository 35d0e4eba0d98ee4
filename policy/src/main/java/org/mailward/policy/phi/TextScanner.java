package org.mailward.policy.phi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.policy.PolicyConfig.TenantPattern;

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
  private static final Pattern DATE = Pattern.compile(
      "[\\s:.#\\-]*(?:(\\d{1,2})[/.\\-](\\d{1,2})[/.\\-](\\d{4}|\\d{2})\\b"
          + "|(\\d{4})-(\\d{1,2})-(\\d{1,2})\\b"
          + "|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b"
          + "|(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?,?\\s+(\\d{4})\\b)",
      Pattern.CASE_INSENSITIVE);

  private final HealthDictionary dictionary;
  private final List<TenantRegex> patterns;
  private final List<String> detectorNames;

  public TextScanner(HealthDictionary dictionary, List<TenantPattern> tenantPatterns) {
    this.dictionary = dictionary;
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
    return scan(text, new char[Math.min(text.length(), TermAutomaton.CHUNK)]);
  }

  /** As {@link #scan(CharSequence)}, with the dictionary pass walking through the caller's reused {@code chunk}. */
  TextFindings scan(CharSequence text, char[] chunk) {
    TextFindings findings = new TextFindings(detectorNames);
    Cues cues = new Cues();
    dictionary.scan(text, chunk, (category, start, end) -> {
      if (category.isHealth()) {
        findings.health(category.ordinal(), start); // health categories are numbered like their detectors
      } else {
        cues.add(category, end);
      }
    });
    scanTokens(text, cues, findings);
    int lastDate = -1;
    for (int end : cues.ends(TermCategory.CUE_DOB)) {
      lastDate = dateOfBirth(text, end, lastDate, findings);
    }
    for (int k = 0; k < patterns.size(); k++) {
      int detector = TextFindings.FIXED.size() + k;
      patterns.get(k).forEachMatch(text, start -> findings.identifier(detector, start));
    }
    return findings;
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
    if (len == 11 && t.charAt(start + 3) == '-' && t.charAt(start + 6) == '-' && digits(t, start, start + 3)
        && digits(t, start + 4, start + 6) && digits(t, start + 7, end)) {
      if (Identifiers.validSsn(num(t, start, start + 3), num(t, start + 4, start + 6), num(t, start + 7, end))) {
        findings.identifier(TextFindings.SSN, start);
      }
      return;
    }
    boolean allDigits = digits(t, start, end);
    if (allDigits && len == 9 && cues.near(TermCategory.CUE_SSN, start)) {
      if (Identifiers.validSsn(num(t, start, start + 3), num(t, start + 3, start + 5), num(t, start + 5, end))) {
        findings.identifier(TextFindings.SSN, start);
      }
      return;
    }
    if (allDigits && len == 10 && cues.near(TermCategory.CUE_NPI, start)) {
      if (Identifiers.validNpi(t, start)) {
        findings.identifier(TextFindings.NPI, start);
      }
      return;
    }
    if (len == 9 && Identifiers.validDea(t, start) && cues.near(TermCategory.CUE_DEA, start)) {
      findings.identifier(TextFindings.DEA, start);
      return;
    }
    if (len == 11 && Identifiers.validMbi(t, start, false)) {
      findings.identifier(TextFindings.MBI, start);
      return;
    }
    if (len == 13 && t.charAt(start + 4) == '-' && t.charAt(start + 8) == '-') {
      if (Identifiers.validMbi(t, start, true)) {
        findings.identifier(TextFindings.MBI, start);
      }
      return;
    }
    if (len == 3 && icdStart(t, start) && cues.near(TermCategory.CUE_ICD, start)) {
      findings.health(TextFindings.ICD10, start);
    }
  }

  private static boolean icdStart(CharSequence t, int at) {
    char a = t.charAt(at);
    char b = t.charAt(at + 1);
    char c = t.charAt(at + 2);
    return a >= 'A' && a <= 'Z' && a != 'U' && b >= '0' && b <= '9' && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
  }

  /** Records a date of birth right after a cue; returns the end of the date (overlapping cues such as "born" and "born on" count once). */
  private static int dateOfBirth(CharSequence text, int from, int lastDate, TextFindings findings) {
    Matcher m = DATE.matcher(text);
    m.region(from, Math.min(text.length(), from + CUE_REACH));
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
      findings.identifier(TextFindings.DOB, from);
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

    /** A cue of this kind ends at most CUE_REACH characters before {@code position}. */
    boolean near(TermCategory category, int position) {
      int k = category.ordinal();
      for (int j = sizes[k] - 1; j >= 0; j--) {
        int e = ends[k][j];
        if (e <= position) {
          return position - e <= CUE_REACH;
        }
      }
      return false;
    }
  }
}
