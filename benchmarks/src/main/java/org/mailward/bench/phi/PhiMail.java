// PHI in ordinary encodings: in the Subject only (category A, the body is clean
// marketing), in the body only (B: plain, HTML or alternative; UTF-8 in 7bit,
// 8bit or quoted-printable as ESPs write it), and only inside an attachment with a
// neutral file name (C: CSV patient list, ICS appointment, PDF referral with or
// without a compressed stream, DOCX care plan, text visit summary).
package org.mailward.bench.phi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

final class PhiMail {
  private PhiMail() {}

  static final List<String> ATTACHMENT_TECHNIQUES = List.of(
      "csv-patient-list", "ics-appointment", "pdf-referral-flate", "pdf-referral-plain", "pdf-referral-kerned",
      "docx-care-plan", "docx-split-runs", "txt-visit-summary", "csv-base64");

  static LabelledMessage subject(String id, int index, Random r) {
    Vocabulary.Clinic clinic = Vocabulary.pick(r, Vocabulary.CLINICS);
    Person p = Person.random(r, r.nextInt(5) == 0);
    PhiText phi = PhiText.subject(index, r, p, clinic);
    List<String> story = Vocabulary.pick(r, Vocabulary.NEWSLETTER);
    Mime.Part body = Letters.body(Letters.BodyShape.random(r), story.get(0), story, clinic);
    byte[] eml = Mime.message(Letters.headers(id, clinic, Mime.subject(phi.text()), r), body, id);
    return new LabelledMessage(id, Category.SUBJECT, Set.of(Location.SUBJECT), "subject", phi.needles(), List.of(),
        "Subject: " + phi.note(), eml);
  }

  static LabelledMessage body(String id, int index, Random r) {
    Vocabulary.Clinic clinic = Vocabulary.pick(r, Vocabulary.CLINICS);
    Person p = Person.random(r, r.nextInt(5) == 0);
    PhiText phi = PhiText.body(index, r, p, clinic);
    List<String> paragraphs = new ArrayList<>();
    String subject = Vocabulary.pick(r, List.of("A message from your care team", "News from " + clinic.name(),
        "Important information about your care", "Your monthly health update", "A reminder from " + clinic.name()));
    if (r.nextBoolean()) {
      paragraphs.add(Vocabulary.pick(r, Vocabulary.PROMOTIONS).get(1));
    }
    paragraphs.add(phi.text());
    List<String> story = Vocabulary.pick(r, Vocabulary.NEWSLETTER);
    paragraphs.add(story.get(0) + ": " + story.get(1));
    Letters.BodyShape shape = Letters.BodyShape.values()[index / PhiText.BODY_TEMPLATES % Letters.BodyShape.values().length];
    Mime.Part root = Letters.body(shape, subject, paragraphs, clinic);
    byte[] eml = Mime.message(Letters.headers(id, clinic, subject, r), root, id);
    return new LabelledMessage(id, Category.BODY, Set.of(Location.BODY), "body-" + shape.name().toLowerCase(java.util.Locale.ROOT),
        phi.needles(), List.of(), "body: " + phi.note(), eml);
  }

  static LabelledMessage attachment(String id, int index, Random r) {
    Vocabulary.Clinic clinic = Vocabulary.pick(r, Vocabulary.CLINICS);
    Person p = Person.random(r, r.nextInt(6) == 0);
    String technique = ATTACHMENT_TECHNIQUES.get(index % ATTACHMENT_TECHNIQUES.size());
    String condition = Vocabulary.pick(r, Vocabulary.CONDITIONS);
    String doc = Vocabulary.pick(r, Vocabulary.CLINICIANS);
    String dob = p.dobText(r);
    List<String> needles = List.of(p.full(), dob);
    List<String> letter = List.of(clinic.name(), "Referral for specialist care", "Patient: " + p.full(), "Date of birth: " + dob,
        "MRN: " + p.mrn(), "Diagnosis: " + condition, "Current medication: " + Vocabulary.pick(r, Vocabulary.MEDICATIONS),
        "Referred to " + doc + " for evaluation and management.", "Please call " + clinic.phone() + " to schedule.");
    Mime.Part attachment;
    String intro;
    switch (technique) {
      case "csv-patient-list", "csv-base64" -> {
        List<List<String>> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int n = 3 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
          Person q = i == 0 ? p : Person.random(r, false);
          names.add(q.full());
          rows.add(List.of(q.full(), q.dobText(r), q.phone(), Vocabulary.pick(r, Vocabulary.CONDITIONS), PhiText.visitDate(r)));
        }
        needles = List.of(names.get(0), names.get(1));
        String csv = Documents.csv(List.of("patient_name", "dob", "phone", "condition", "next_visit"), rows);
        intro = "Attached is this month's outreach list for the wellness campaign.";
        attachment = technique.equals("csv-base64")
            ? Mime.attachment("text/csv; charset=utf-8", "outreach.csv", csv.getBytes(StandardCharsets.UTF_8))
            : Mime.text("text/csv", csv, StandardCharsets.UTF_8, Mime.Cte.SEVEN_BIT, i -> false,
                List.of("Content-Disposition: attachment; filename=\"outreach.csv\""));
      }
      case "ics-appointment" -> {
        intro = "Your appointment details are attached; add them to your calendar.";
        String proc = Vocabulary.pick(r, Vocabulary.PROCEDURES);
        needles = List.of(p.full(), p.mrn());
        attachment = Mime.text("text/calendar; method=REQUEST", Documents.ics(id + "@" + clinic.domain(), "20260609T143000Z",
            "20260609T151500Z", proc + " - " + p.full(), clinic.street() + ", " + clinic.city(),
            "Follow-up for " + condition + " with " + doc + ". MRN " + p.mrn() + ". Bring your medication list.", p.full()),
            StandardCharsets.UTF_8, Mime.Cte.SEVEN_BIT, i -> false, List.of("Content-Disposition: attachment; filename=\"invite.ics\""));
      }
      case "pdf-referral-flate", "pdf-referral-plain", "pdf-referral-kerned" -> {
        intro = "Your referral letter is attached.";
        attachment = Mime.attachment("application/pdf", "referral.pdf",
            Documents.pdf(letter, !technique.endsWith("plain"), technique.endsWith("kerned"), r));
      }
      case "docx-care-plan", "docx-split-runs" -> {
        intro = "Your care plan is attached as a Word document.";
        attachment = Mime.attachment("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "care-plan.docx",
            Documents.docx(letter, technique.endsWith("runs"), r));
      }
      default -> {
        intro = "A summary of your visit is attached.";
        attachment = Mime.text("text/plain", String.join("\n", letter) + "\n", StandardCharsets.UTF_8, Mime.Cte.QUOTED_PRINTABLE,
            i -> false, List.of("Content-Disposition: attachment; filename=\"summary.txt\""));
      }
    }
    List<String> story = Vocabulary.pick(r, Vocabulary.NEWSLETTER);
    Mime.Part body = Letters.body(Letters.BodyShape.random(r), story.get(0), List.of(intro, story.get(0) + ": " + story.get(1)), clinic);
    String subject = Vocabulary.pick(r, List.of("Documents from " + clinic.name(), "Your documents", "Attached: information for you"));
    byte[] eml = Mime.message(Letters.headers(id, clinic, subject, r), new Mime.Multi("mixed", List.of(body, attachment)), id);
    return new LabelledMessage(id, Category.ATTACHMENT, Set.of(Location.ATTACHMENT), technique, needles, List.of(),
        "attachment only: " + technique, eml);
  }
}
