package org.mailward.policy.phi;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Generates labelled synthetic messages for the PHI evaluation: templates filled with seeded random
 * values (valid identifiers made by their own rules, dictionary terms, names, dates, numbers),
 * wrapped in assorted MIME shapes (plain, HTML, quoted-printable, base64, Latin-1, multipart,
 * text attachments). Every person and number is made up.
 */
final class SyntheticMail {
  static final List<String> FIRST = List.of("Maria", "James", "Aisha", "Chen", "Olga", "Pedro", "Fatima", "John", "Priya", "Liam");
  static final List<String> LAST = List.of("Garcia", "Smith", "Okafor", "Wang", "Ivanova", "Silva", "Haddad", "Miller", "Patel", "Murphy");
  static final List<String> CONDITIONS = List.of("type 2 diabetes", "hypertension", "asthma", "depression", "breast cancer",
      "chronic kidney disease", "atrial fibrillation", "HIV", "hepatitis C", "bipolar disorder", "COPD", "epilepsy");
  static final List<String> MEDS = List.of("metformin", "lisinopril", "insulin", "sertraline", "Eliquis", "albuterol",
      "Ozempic", "levothyroxine", "Biktarvy", "lithium", "gabapentin", "Humira");
  static final List<String> LABS = List.of("A1C", "lipid panel", "viral load", "PSA", "creatinine", "CBC", "TSH");
  static final List<String> PROCEDURES = List.of("colonoscopy", "MRI", "chemotherapy", "dialysis", "knee replacement", "biopsy",
      "mammogram", "physical therapy");
  static final List<String> ICD = List.of("E11.9", "I10", "J45.909", "F32.9", "C50.911", "N18.3", "I48.91", "B20");
  static final String FILLER = "Our clinics are open seven days a week with extended evening hours. Parking is free "
      + "in the north garage and our staff are happy to help you find your way. Visit our website to learn "
      + "more about the services we offer to families across the region. ";

  private final Random random;

  SyntheticMail(long seed) {
    this.random = new Random(seed);
  }

  String pick(List<String> list) {
    return list.get(random.nextInt(list.size()));
  }

  String name() {
    return pick(FIRST) + " " + pick(LAST);
  }

  String ssn() {
    int area;
    do {
      area = 1 + random.nextInt(899);
    } while (area == 666);
    return String.format("%03d-%02d-%04d", area, 1 + random.nextInt(99), 1 + random.nextInt(9999));
  }

  String npi() {
    StringBuilder s = new StringBuilder("1");
    for (int i = 0; i < 8; i++) {
      s.append(random.nextInt(10));
    }
    for (int check = 0; check < 10; check++) {
      if (Identifiers.validNpi(s.toString() + check)) {
        return s.toString() + check;
      }
    }
    throw new IllegalStateException();
  }

  String dea() {
    String letters = "ABFGMP";
    char first = letters.charAt(random.nextInt(letters.length()));
    char second = (char) ('A' + random.nextInt(26));
    int[] d = new int[6];
    for (int i = 0; i < 6; i++) {
      d[i] = random.nextInt(10);
    }
    int check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10;
    return "" + first + second + d[0] + d[1] + d[2] + d[3] + d[4] + d[5] + check;
  }

  String mbi() {
    String a = "ACDEFGHJKMNPQRTUVWXY";
    String an = a + "0123456789";
    String shape = "CAMNAMNAANN";
    StringBuilder s = new StringBuilder();
    for (char k : shape.toCharArray()) {
      s.append(switch (k) {
        case 'C' -> (char) ('1' + random.nextInt(9));
        case 'N' -> (char) ('0' + random.nextInt(10));
        case 'A' -> a.charAt(random.nextInt(a.length()));
        default -> an.charAt(random.nextInt(an.length()));
      });
    }
    return random.nextBoolean() ? s.toString() : s.substring(0, 4) + "-" + s.substring(4, 7) + "-" + s.substring(7);
  }

  String mrn() {
    return String.format("%07d", random.nextInt(10_000_000));
  }

  String dob() {
    int y = 1930 + random.nextInt(80);
    int m = 1 + random.nextInt(12);
    int d = 1 + random.nextInt(28);
    String[] months = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December"};
    return switch (random.nextInt(3)) {
      case 0 -> String.format("%02d/%02d/%d", m, d, y);
      case 1 -> String.format("%d-%02d-%02d", y, m, d);
      default -> months[m - 1] + " " + d + ", " + y;
    };
  }

  String dobCue() {
    return pick(List.of("DOB:", "Date of birth:", "Patient DOB", "born on", "Birth date:"));
  }

  /** A body that holds PHI: an identifier and health context close together. */
  String phiText() {
    String n = name();
    return switch (random.nextInt(7)) {
      case 0 -> "Dear " + n + ",\nYour " + pick(LABS) + " results from your recent visit are ready. " + dobCue() + " " + dob()
          + ". Dr. Lee noted your " + pick(CONDITIONS) + " and adjusted your " + pick(MEDS) + " dose.";
      case 1 -> "Patient: " + n + "\nMRN: " + mrn() + "\nDiagnosis: " + pick(CONDITIONS) + " (ICD-10 " + pick(ICD)
          + ")\nPlan: " + pick(PROCEDURES) + " next month.";
      case 2 -> "Member " + n + ", Medicare number " + mbi() + ". Your claim for the " + pick(PROCEDURES)
          + " has been processed.";
      case 3 -> "For our records: SSN " + ssn() + ". The referral for " + pick(CONDITIONS) + " treatment was approved.";
      case 4 -> "Prescriber NPI " + npi() + " sent a refill of " + pick(MEDS) + " for " + n + ".";
      case 5 -> "Rx for " + n + ": " + pick(MEDS) + " 10 mg daily. Prescriber DEA " + dea() + ".";
      default -> n + " (DOB " + dob() + ") is scheduled for " + pick(PROCEDURES) + " on Tuesday; dx code " + pick(ICD) + ".";
    };
  }

  /** Ordinary healthcare marketing: health words, dates, phones, prices and order numbers, but no patient identifiers. */
  String marketingText() {
    String phone = String.format("%03d%03d%04d", 200 + random.nextInt(700), 200 + random.nextInt(700), random.nextInt(10000));
    String dashedPhone = String.format("%03d-%03d-%04d", 200 + random.nextInt(700), 200 + random.nextInt(700), random.nextInt(10000));
    String date = String.format("%02d/%02d/2026", 1 + random.nextInt(12), 1 + random.nextInt(28));
    String order = String.format("%09d", random.nextInt(1_000_000_000));
    String promo = promo();
    return switch (random.nextInt(6)) {
      case 0 -> "Hello " + pick(FIRST) + ", join our free " + pick(CONDITIONS) + " education class on " + date
          + ". Call " + phone + " to reserve a seat. Use code " + promo + " for free parking.";
      case 1 -> "Spring newsletter: new " + pick(PROCEDURES) + " suite opens " + date + ". Questions? " + dashedPhone
          + ". Order " + order + " for your free water bottle.";
      case 2 -> "Did you know? Screening helps catch " + pick(CONDITIONS) + " early. Book online or call " + phone
          + ". Offer " + promo + " valid until " + date + ".";
      case 3 -> "Our pharmacy now carries " + pick(MEDS) + " and ships orders over $35 free. Tracking for order #" + order
          + " is on the app. Store 0" + random.nextInt(1000) + ", zip " + String.format("%05d", random.nextInt(100000)) + ".";
      case 4 -> "Meet Dr. " + pick(LAST) + ", born in Ohio and trained at State University, who joins our cardiology team on "
          + date + ". She treats " + pick(CONDITIONS) + " and " + pick(CONDITIONS) + ".";
      default -> "Wellness week: " + pick(LABS) + " screenings at the mobile clinic, " + date + " from 9 to 3. Room B12, "
          + "building A4. Call " + dashedPhone + ".";
    };
  }

  private String promo() {
    String chars = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      s.append(chars.charAt(random.nextInt(chars.length())));
    }
    return s.toString();
  }

  /** Wraps a text in a random MIME shape; the text may sit after filler (but inside the window). */
  byte[] message(String subject, String text) {
    String body = (random.nextBoolean() ? FILLER : "") + text + "\n\n" + FILLER;
    String head = "From: news@clinic.example\r\nTo: someone@example.net\r\nSubject: " + subject
        + "\r\nMIME-Version: 1.0\r\n";
    String msg = switch (random.nextInt(7)) {
      case 0 -> head + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + crlf(body);
      case 1 -> head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
          + qp(body);
      case 2 -> head + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
          + b64(html(body).getBytes(StandardCharsets.UTF_8));
      case 3 -> head + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n"
          + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
          + qp(body) + "\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + crlf(html(body)) + "\r\n--b1--\r\n";
      case 4 -> head + "Content-Type: multipart/mixed; boundary=\"b2\"\r\n\r\n--b2\r\nContent-Type: text/plain\r\n\r\n"
          + crlf(FILLER) + "\r\n--b2\r\nContent-Type: text/plain; charset=iso-8859-1; name=\"note.txt\"\r\n"
          + "Content-Disposition: attachment; filename=\"note.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
          + b64(body.getBytes(Charset.forName("ISO-8859-1"))) + "\r\n--b2\r\nContent-Type: image/png\r\n"
          + "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b2--\r\n";
      case 5 -> head + "Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
          + qp(html(body));
      default -> head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
          + b64(body.getBytes(StandardCharsets.UTF_8));
    };
    return msg.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String html(String text) {
    return "<html><head><style>p{color:#333}</style></head><body><table><tr><td><p>"
        + text.replace("&", "&amp;").replace(": ", ":&nbsp;").replace("\n", "<br>\n")
        + "</p></td></tr></table><!-- tracking pixel --><img src=\"https://t.example/p.gif\"></body></html>";
  }

  static String crlf(String s) {
    return s.replace("\r\n", "\n").replace("\n", "\r\n");
  }

  static String b64(byte[] bytes) {
    return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes) + "\r\n";
  }

  /** Quoted-printable with soft line breaks every 60 characters (encodes '=' and non-ASCII). */
  static String qp(String s) {
    StringBuilder out = new StringBuilder();
    int col = 0;
    for (char c : crlf(s).toCharArray()) {
      String piece;
      if (c == '\r') {
        continue;
      } else if (c == '\n') {
        out.append("\r\n");
        col = 0;
        continue;
      } else if (c == '=' || c > 126) {
        piece = String.format("=%02X", (int) c & 0xFF);
      } else {
        piece = String.valueOf(c);
      }
      if (col + piece.length() > 60) {
        out.append("=\r\n");
        col = 0;
      }
      out.append(piece);
      col += piece.length();
    }
    return out.append("\r\n").toString();
  }
}
