// An invented patient and the identifiers a clinic's mail might carry about
// them: date of birth, record, member, prescription and account numbers, a
// never-issued SSN (9xx area), a 555-01xx phone and a street address. Formats
// are the corpus's own, varied the way different EHRs and plans write them.
package org.mailward.bench.phi;

import java.time.LocalDate;
import java.util.Random;

record Person(String given, String surname, LocalDate dob, String mrn, String memberId, String rxNumber,
    String account, String ssn, String phone, String street, String town) {

  static Person random(Random r, boolean accented) {
    String given = accented ? Vocabulary.pick(r, Vocabulary.GIVEN_ACCENTED) : Vocabulary.pick(r, Vocabulary.GIVEN);
    String surname = accented && r.nextBoolean()
        ? Vocabulary.pick(r, Vocabulary.SURNAMES_ACCENTED) : Vocabulary.pick(r, Vocabulary.SURNAMES);
    LocalDate dob = LocalDate.of(1932 + r.nextInt(75), 1 + r.nextInt(12), 1 + r.nextInt(28));
    String mrn = switch (r.nextInt(3)) {
      case 0 -> String.format("%08d", r.nextInt(100_000_000));
      case 1 -> "MR" + (1_000_000 + r.nextInt(9_000_000));
      default -> (char) ('A' + r.nextInt(26)) + String.format("%07d", r.nextInt(10_000_000));
    };
    String memberId = switch (r.nextInt(3)) {
      case 0 -> letters(r, 3) + digits(r, 9);
      case 1 -> "W" + digits(r, 10);
      default -> digits(r, 3) + "-" + digits(r, 3) + "-" + digits(r, 3);
    };
    String rx = digits(r, 7);
    String account = digits(r, 4) + "-" + digits(r, 6);
    String ssn = "9" + digits(r, 2) + "-" + (10 + r.nextInt(90)) + "-" + (1000 + r.nextInt(9000));
    String phone = "(" + (200 + r.nextInt(700)) + ") 555-01" + String.format("%02d", r.nextInt(100));
    String street = (10 + r.nextInt(9900)) + " " + Vocabulary.pick(r, Vocabulary.STREETS);
    return new Person(given, surname, dob, mrn, memberId, rx, account, ssn, phone, street, Vocabulary.pick(r, Vocabulary.TOWNS));
  }

  String full() {
    return given + " " + surname;
  }

  /** The date of birth in one of the ways clinics write it. */
  String dobText(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> String.format("%02d/%02d/%d", dob.getMonthValue(), dob.getDayOfMonth(), dob.getYear());
      case 1 -> dob.toString();
      case 2 -> Vocabulary.MONTHS.get(dob.getMonthValue() - 1) + " " + dob.getDayOfMonth() + ", " + dob.getYear();
      default -> dob.getDayOfMonth() + " " + Vocabulary.MONTHS.get(dob.getMonthValue() - 1).substring(0, 3) + " " + dob.getYear();
    };
  }

  static String digits(Random r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    return sb.toString();
  }

  static String letters(Random r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('A' + r.nextInt(26)));
    }
    return sb.toString();
  }
}
