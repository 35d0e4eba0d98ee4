package org.mailward.policy.phi;

/**
 * Validation rules for the identifiers the detector recognises. Pure functions over characters;
 * finding candidates in text is {@link TextScanner}'s job.
 */
final class Identifiers {
  private Identifiers() {}

  /**
   * SSA rules: area 001-899 except 666, group 01-99, serial 0001-9999; the two numbers the SSA
   * voided after they were printed in advertising (078-05-1120, 219-09-9999) are rejected too.
   */
  static boolean validSsn(int area, int group, int serial) {
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
      return false;
    }
    return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
  }

  /** NPI: 10 digits starting 1 or 2, Luhn check over the number prefixed with 80840. */
  static boolean validNpi(CharSequence digits) {
    return digits.length() == 10 && validNpi(digits, 0);
  }

  /** {@link #validNpi(CharSequence)} for the ten digits at {@code from}. */
  static boolean validNpi(CharSequence text, int from) {
    if (text.charAt(from) != '1' && text.charAt(from) != '2') {
      return false;
    }
    // Luhn over "80840" + first nine digits; the constant prefix contributes 24.
    int sum = 24;
    boolean twice = true;
    for (int i = 8; i >= 0; i--) {
      int d = text.charAt(from + i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    int check = (10 - sum % 10) % 10;
    return check == text.charAt(from + 9) - '0';
  }

  /**
   * DEA registration number: a registrant-type letter, a letter (the registrant's initial, or 9),
   * seven digits whose last is the check digit: (d1+d3+d5) + 2*(d2+d4+d6), last digit.
   */
  static boolean validDea(CharSequence s) {
    return s.length() == 9 && validDea(s, 0);
  }

  /** {@link #validDea(CharSequence)} for the nine characters at {@code from}. */
  static boolean validDea(CharSequence s, int from) {
    if ("ABCDEFGHJKLMPRSTUX".indexOf(s.charAt(from)) < 0) {
      return false;
    }
    char second = s.charAt(from + 1);
    if (!((second >= 'A' && second <= 'Z') || second == '9')) {
      return false;
    }
    int odd = 0;
    int even = 0;
    for (int i = 0; i < 6; i++) {
      int d = s.charAt(from + 2 + i) - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (i % 2 == 0) {
        odd += d;
      } else {
        even += d;
      }
    }
    int check = s.charAt(from + 8) - '0';
    return check >= 0 && check <= 9 && (odd + 2 * even) % 10 == check;
  }

  private static final String MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY";

  /**
   * Medicare Beneficiary Identifier (CMS format): 11 characters, C A AN N A AN N A A N N, where
   * C is 1-9, N is 0-9, A is a letter other than S, L, O, I, B, Z, and AN is either. Upper case.
   */
  static boolean validMbi(CharSequence s) {
    return s.length() == 11 && validMbi(s, 0, false);
  }

  /**
   * {@link #validMbi(CharSequence)} for the MBI at {@code from}: 11 characters, or 13 when
   * {@code dashed} (the printed form {@code 1EG4-TE5-MK73}; the dashes themselves are the caller's
   * to check).
   */
  static boolean validMbi(CharSequence s, int from, boolean dashed) {
    char first = s.charAt(from);
    if (first < '1' || first > '9') {
      return false;
    }
    String shape = "CAMNAMNAANN";
    for (int i = 1; i < 11; i++) {
      char c = s.charAt(from + i + (dashed ? (i >= 4 ? 1 : 0) + (i >= 7 ? 1 : 0) : 0));
      boolean digit = c >= '0' && c <= '9';
      boolean letter = MBI_LETTERS.indexOf(c) >= 0;
      boolean ok = switch (shape.charAt(i)) {
        case 'N' -> digit;
        case 'A' -> letter;
        default -> digit || letter;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
