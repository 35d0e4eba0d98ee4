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
 * as regexes. Numbers that are ambiguous on their own (9 or 10 bare digits, DEA numbers, ICD codes)
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
  private final List<Named> patterns;

  private record Named(String detector, Pattern pattern) {}

  public TextScanner(HealthDictionary dictionary, List<TenantPattern> tenantPatterns) {
    this.dictionary = dictionary;
    List<Named> list = new ArrayList<>();
    for (TenantPattern p : tenantPatterns) {
      list.add(new Named("id.pattern." + p.name(), Pattern.compile(p.regex())));
    }
    this.patterns = List.copyOf(list);
  }

  public TextFindings scan(CharSequence text) {
    TextFindings findings = new TextFindings();
    Cues cues = new Cues();
    dictionary.scan(text, (category, start, end) -> {
      if (category.isHealth()) {
        findings.health(category.detector(), start);
      } else {
        cues.add(category, end);
      }
    });
    scanTokens(text, cues, findings);
    int lastDate = -1;
    for (int end : cues.ends(TermCategory.CUE_DOB)) {
      lastDate = dateOfBirth(text, end, lastDate, findings);
    }
    for (Named p : patterns) {
      Matcher m = p.pattern().matcher(text);
      while (m.find()) {
        findings.identifier(p.detector(), m.start());
      }
    }
    return findings;
  }

  private static void scanTokens(CharSequence text, Cues cues, TextFindings findings) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!alnum(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      boolean digit = false;
      while (i < n) {
        char ch = text.charAt(i);
        if (alnum(ch)) {
          digit |= ch <= '9';
          i++;
        } else if (ch == '-' && i + 1 < n && alnum(text.charAt(i + 1))) {
          i++;
        } else {
          break;
        }
      }
      if (digit) {
        classify(text, start, i, cues, findings);
      }
    }
  }

  private static void classify(CharSequence text, int start, int end, Cues cues, TextFindings findings) {
    int len = end - start;
    CharSequence token = text.subSequence(start, end);
    if (len == 11 && token.charAt(3) == '-' && token.charAt(6) == '-' && digits(token, 0, 3) && digits(token, 4, 6)
        && digits(token, 7, 11)) {
      if (Identifiers.validSsn(num(token, 0, 3), num(token, 4, 6), num(token, 7, 11))) {
        findings.identifier("id.ssn", start);
      }
      return;
    }
    boolean allDigits = digits(token, 0, len);
    if (allDigits && len == 9 && cues.near(TermCategory.CUE_SSN, start)) {
      if (Identifiers.validSsn(num(token, 0, 3), num(token, 3, 5), num(token, 5, 9))) {
        findings.identifier("id.ssn", start);
      }
      return;
    }
    if (allDigits && len == 10 && cues.near(TermCategory.CUE_NPI, start)) {
      if (Identifiers.validNpi(token)) {
        findings.identifier("id.npi", start);
      }
      return;
    }
    if (len == 9 && Identifiers.validDea(token) && cues.near(TermCategory.CUE_DEA, start)) {
      findings.identifier("id.dea", start);
      return;
    }
    if (len == 11 && Identifiers.validMbi(token)) {
      findings.identifier("id.mbi", start);
      return;
    }
    if (len == 13 && token.charAt(4) == '-' && token.charAt(8) == '-') {
      String compact = token.subSequence(0, 4) + "" + token.subSequence(5, 8) + token.subSequence(9, 13);
      if (Identifiers.validMbi(compact)) {
        findings.identifier("id.mbi", start);
      }
      return;
    }
    if (len == 3 && icdStart(token) && cues.near(TermCategory.CUE_ICD, start)) {
      findings.health("health.icd10", start);
    }
  }

  private static boolean icdStart(CharSequence t) {
    char a = t.charAt(0);
    char b = t.charAt(1);
    char c = t.charAt(2);
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
      findings.identifier("id.dob", from);
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
