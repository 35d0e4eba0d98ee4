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
    if (digits.length() != 10 || (digits.charAt(0) != '1' && digits.charAt(0) != '2')) {
      return false;
    }
    // Luhn over "80840" + first nine digits; the constant prefix contributes 24.
    int sum = 24;
    boolean twice = true;
    for (int i = 8; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
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
    return check == digits.charAt(9) - '0';
  }

  /**
   * DEA registration number: a registrant-type letter, a letter (the registrant's initial, or 9),
   * seven digits whose last is the check digit: (d1+d3+d5) + 2*(d2+d4+d6), last digit.
   */
  static boolean validDea(CharSequence s) {
    if (s.length() != 9 || "ABCDEFGHJKLMPRSTUX".indexOf(s.charAt(0)) < 0) {
      return false;
    }
    char second = s.charAt(1);
    if (!((second >= 'A' && second <= 'Z') || second == '9')) {
      return false;
    }
    int[] d = new int[7];
    for (int i = 0; i < 7; i++) {
      char c = s.charAt(2 + i);
      if (c < '0' || c > '9') {
        return false;
      }
      d[i] = c - '0';
    }
    int sum = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5]);
    return sum % 10 == d[6];
  }

  private static final String MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY";

  /**
   * Medicare Beneficiary Identifier (CMS format): 11 characters, C A AN N A AN N A A N N, where
   * C is 1-9, N is 0-9, A is a letter other than S, L, O, I, B, Z, and AN is either. Upper case.
   */
  static boolean validMbi(CharSequence s) {
    if (s.length() != 11) {
      return false;
    }
    char first = s.charAt(0);
    if (first < '1' || first > '9') {
      return false;
    }
    String shape = "CAMNAMNAANN";
    for (int i = 1; i < 11; i++) {
      char c = s.charAt(i);
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
