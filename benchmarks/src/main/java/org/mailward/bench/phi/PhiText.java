// PHI as healthcare engagement mail carries it: a named person with a
// condition, lab result, appointment, medication, procedure, record/member/Rx/
// account number, date of birth, phone or street address. Each template returns
// the text and the needles (the PHI strings a reader would see). The templates
// are the corpus's own phrasing; several use no health keyword at all beyond
// what a clinic naturally writes.
package org.mailward.bench.phi;

import java.util.List;
import java.util.Random;

record PhiText(String text, List<String> needles, String note) {

  PhiText {
    needles = List.copyOf(needles);
  }

  static final int BODY_TEMPLATES = 12;
  static final int SUBJECT_TEMPLATES = 11;

  /** Body PHI, one of {@link #BODY_TEMPLATES} shapes. */
  static PhiText body(int template, Random r, Person p, Vocabulary.Clinic c) {
    Facts f = Facts.random(r);
    return switch (template % BODY_TEMPLATES) {
      case 0 -> new PhiText("Dear " + p.full() + ",\n\nYour " + f.lab() + " from your visit on " + f.date()
          + " is above the goal we set together for your " + f.condition() + ". " + f.doc()
          + " would like to see you again within two weeks.", List.of(p.full(), f.lab()), "name + lab value + condition");
      case 1 -> new PhiText("Hi " + p.full() + ", this is a reminder of your " + f.proc() + " with " + f.doc() + " on " + f.date()
          + " at " + time(r) + ". Please arrive 15 minutes early and bring your " + f.med() + ".",
          List.of(p.full(), f.date()), "name + appointment + medication");
      case 2 -> {
        String dob = p.dobText(r);
        yield new PhiText("Patient: " + p.full() + "\nDate of birth: " + dob + "\nMRN: " + p.mrn()
            + "\nReason for visit: " + f.condition() + " follow-up", List.of(p.full(), dob, p.mrn()), "labelled patient block");
      }
      case 3 -> new PhiText("Member name: " + p.full() + "\nMember ID: " + p.memberId() + "\nGood news: your plan approved the "
          + f.proc() + " your doctor requested.", List.of(p.full(), p.memberId()), "member name + member id + procedure");
      case 4 -> new PhiText(p.full() + ", your prescription for " + f.med() + " (Rx #" + p.rxNumber() + ") is ready for pickup at "
          + c.name() + ". You have 2 refills remaining.", List.of(p.full(), p.rxNumber()), "name + Rx number + medication");
      case 5 -> new PhiText("We will ship your new glucose meter to " + p.full() + ", " + p.street() + ", " + p.town()
          + ". It fits the plan " + f.doc() + " made for your " + f.condition() + ".", List.of(p.full(), p.street()),
          "name + street address + condition");
      case 6 -> new PhiText("Thank you for trusting us with your care, " + p.full() + ". Account " + p.account()
          + " shows a balance of $84.20 for the " + f.proc() + " on " + f.date() + ".", List.of(p.full(), p.account()),
          "name + account number + procedure");
      case 7 -> {
        String dob = p.dobText(r);
        yield new PhiText(p.full() + " (DOB " + dob + ") was seen today for " + f.condition() + ". Plan: continue " + f.med()
            + " and repeat labs in three months.", List.of(p.full(), dob), "visit summary: name + DOB + condition");
      }
      case 8 -> new PhiText("Congratulations on six months in our " + f.condition() + " program, " + p.full()
          + "! Your latest " + f.lab() + " shows real progress.", List.of(p.full(), f.lab()), "program enrolment + name + lab");
      case 9 -> new PhiText("Records request for " + p.full() + ", SSN: " + p.ssn() + ", phone " + p.phone()
          + ". Diagnosis on file: " + f.condition() + ".", List.of(p.full(), p.ssn(), p.phone()), "name + SSN + phone + diagnosis");
      case 10 -> new PhiText("Hello " + p.given() + ",\nwe noticed your " + f.med() + " refill is overdue. Member ID "
          + p.memberId() + " - call us at " + c.phone() + " and we will send it to your pharmacy.",
          List.of(p.given(), p.memberId()), "given name + member id + medication");
      default -> new PhiText("Dear " + p.given() + " " + p.surname() + ", welcome to " + c.name()
          + ". Your first " + f.proc() + " is booked for " + f.date() + " with " + f.doc() + ".", List.of(p.full(), f.date()),
          "new patient welcome: name + procedure date");
    };
  }

  /** Subject PHI, one of {@link #SUBJECT_TEMPLATES} shapes. */
  static PhiText subject(int template, Random r, Person p, Vocabulary.Clinic c) {
    Facts f = Facts.random(r);
    return switch (template % SUBJECT_TEMPLATES) {
      case 0 -> new PhiText(p.full() + ": your " + f.condition() + " follow-up is on " + f.date(), List.of(p.full()), "name + condition + date");
      case 1 -> new PhiText("Results ready for " + p.full() + " - " + f.lab(), List.of(p.full(), f.lab()), "name + lab value");
      case 2 -> new PhiText("Refill reminder for " + p.full() + ": " + f.med(), List.of(p.full()), "name + medication");
      case 3 -> {
        String dob = p.dobText(r);
        yield new PhiText("Appointment confirmed: " + p.full() + ", DOB " + dob, List.of(p.full(), dob), "name + DOB + appointment");
      }
      case 4 -> new PhiText(p.given() + " " + p.surname() + ", we received your " + f.proc() + " referral", List.of(p.full()),
          "name + procedure");
      case 5 -> new PhiText("Your " + f.condition() + " care plan, " + p.full(), List.of(p.full()), "condition + name");
      case 6 -> new PhiText("MRN " + p.mrn() + " - pre-visit instructions for " + p.full(), List.of(p.mrn(), p.full()),
          "MRN + name");
      case 7 -> new PhiText(p.full() + ", Rx #" + p.rxNumber() + " is ready at " + c.name(), List.of(p.full(), p.rxNumber()),
          "name + Rx number");
      case 8 -> new PhiText("Member " + p.memberId() + ": " + f.proc() + " approved for " + p.full(), List.of(p.memberId(), p.full()),
          "member id + procedure + name");
      case 9 -> new PhiText(p.full() + ", how is your " + f.condition() + " treatment going?", List.of(p.full()), "name + condition");
      default -> new PhiText("MRN " + p.mrn() + ": your " + f.condition() + " results", List.of(p.mrn()), "MRN + condition, no name");
    };
  }

  /** The health facts one message is about. */
  record Facts(String condition, String med, String lab, String proc, String doc, String date) {
    static Facts random(Random r) {
      return new Facts(Vocabulary.pick(r, Vocabulary.CONDITIONS), Vocabulary.pick(r, Vocabulary.MEDICATIONS),
          Vocabulary.pick(r, Vocabulary.LAB_RESULTS), Vocabulary.pick(r, Vocabulary.PROCEDURES),
          Vocabulary.pick(r, Vocabulary.CLINICIANS), visitDate(r));
    }
  }

  static String visitDate(Random r) {
    int month = r.nextInt(12);
    return Vocabulary.pick(r, Vocabulary.WEEKDAYS) + ", " + Vocabulary.MONTHS.get(month) + " " + (1 + r.nextInt(28));
  }

  static String time(Random r) {
    return (8 + r.nextInt(9)) % 12 + 1 + ":" + (r.nextBoolean() ? "00" : "30") + (r.nextBoolean() ? " am" : " pm");
  }
}
