// Clean healthcare marketing (category E) and clean near-misses (category F):
// mail full of health words, prices, dates, clinic phones and addresses, staff
// clinicians' names, product codes shaped like ICD-10 codes and order numbers
// shaped like SSNs, but no patient. Some carry clean attachments (brochure PDF,
// event ICS, price-list CSV, flyer DOCX) so false positives on attachments count.
package org.mailward.bench.phi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

final class CleanMail {
  private CleanMail() {}

  static final List<String> CLEAN_TECHNIQUES = List.of(
      "newsletter", "promotion", "event+ics", "brochure+pdf", "flyer+docx", "tips+alternative");

  static final List<String> NEAR_MISS_TECHNIQUES = List.of(
      "catalogue-icd-shaped-sku", "order-number-ssn-shaped", "dates-without-person", "clinic-contacts",
      "staff-clinician", "reference-ranges", "pharmacy-card-numbers", "birthday-month-promo",
      "price-list-csv", "event-ics-speaker", "valued-patient-salutation", "tracking-and-invoice");

  static LabelledMessage clean(String id, int index, Random r) {
    Vocabulary.Clinic clinic = Vocabulary.pick(r, Vocabulary.CLINICS);
    String technique = CLEAN_TECHNIQUES.get(index % CLEAN_TECHNIQUES.size());
    List<String> story = technique.equals("promotion")
        ? Vocabulary.pick(r, Vocabulary.PROMOTIONS) : Vocabulary.pick(r, Vocabulary.NEWSLETTER);
    String title = story.get(0);
    List<String> paragraphs = new ArrayList<>(story);
    paragraphs.add("Questions? Call us at " + clinic.phone() + " or reply to this email.");
    Mime.Part body = Letters.body(Letters.BodyShape.random(r), title, paragraphs, clinic);
    Mime.Part root = switch (technique) {
      case "event+ics" -> new Mime.Multi("mixed", List.of(body, Mime.text("text/calendar; method=REQUEST",
          Documents.ics(id + "@" + clinic.domain(), "20260418T150000Z", "20260418T170000Z", "Community health fair",
              clinic.street() + ", " + clinic.city(), "Free screenings, healthy cooking demos and a talk on heart health. "
                  + "Call " + clinic.phone() + " with questions.", null), StandardCharsets.UTF_8, Mime.Cte.SEVEN_BIT)));
      case "brochure+pdf" -> new Mime.Multi("mixed", List.of(body, Mime.attachment("application/pdf", "brochure.pdf",
          Documents.pdf(List.of(clinic.name(), title, story.get(1), "Open Monday to Saturday, 8 am to 7 pm.",
              clinic.street() + ", " + clinic.city() + "  " + clinic.phone()), r.nextBoolean(), r.nextBoolean(), r))));
      case "flyer+docx" -> new Mime.Multi("mixed", List.of(body, Mime.attachment(
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "flyer.docx",
          Documents.docx(List.of(title, story.get(1), "Ask at the front desk or call " + clinic.phone() + "."),
              r.nextBoolean(), r))));
      default -> body;
    };
    return labelled(id, Category.CLEAN, technique, List.of(title, story.get(1)), "clean marketing: " + title, clinic, title, root, r);
  }

  static LabelledMessage nearMiss(String id, int index, Random r) {
    Vocabulary.Clinic clinic = Vocabulary.pick(r, Vocabulary.CLINICS);
    String technique = NEAR_MISS_TECHNIQUES.get(index % NEAR_MISS_TECHNIQUES.size());
    String doc = Vocabulary.pick(r, Vocabulary.CLINICIANS).replace("nurse practitioner ", "");
    List<String> paragraphs = new ArrayList<>();
    Mime.Part attachment = null;
    String title;
    switch (technique) {
      case "catalogue-icd-shaped-sku" -> {
        title = "New in our online store";
        paragraphs.add("SKU E11-" + (100 + r.nextInt(900)) + " digital glucose meter starter kit, $" + price(r) + ".");
        paragraphs.add("Item J45-" + (10 + r.nextInt(90)) + " spacer for inhalers, $" + price(r) + "; item I10-"
            + (100 + r.nextInt(900)) + " wrist blood pressure cuff, $" + price(r) + ".");
        paragraphs.add("Part no. M54.5-XL lumbar support belt, $" + price(r) + ". Free shipping over $50.");
      }
      case "order-number-ssn-shaped" -> {
        title = "Your order has shipped";
        paragraphs.add("Order " + ssnShaped(r) + " is on its way: 1 x vitamin D3 gummies, 1 x digital thermometer.");
        paragraphs.add("Confirmation number " + ssnShaped(r) + ". Questions about your order? Call " + clinic.phone() + ".");
      }
      case "dates-without-person" -> {
        title = "Holiday hours and upcoming dates";
        paragraphs.add("All locations close on " + PhiText.visitDate(r) + " and reopen the next morning at 8 am.");
        paragraphs.add("Flu shot clinics run 10/" + (10 + r.nextInt(18)) + "/2026 through 11/" + (10 + r.nextInt(18))
            + "/2026. The diabetes prevention class starts March 3, 2026.");
      }
      case "clinic-contacts" -> {
        title = "Find a location near you";
        for (int i = 0; i < 3; i++) {
          Vocabulary.Clinic c = Vocabulary.pick(r, Vocabulary.CLINICS);
          paragraphs.add(c.name() + ": " + c.street() + ", " + c.city() + ". Phone " + c.phone() + ", fax " + c.phone().replace("555-01", "555-02") + ".");
        }
      }
      case "staff-clinician" -> {
        title = "Meet " + doc;
        paragraphs.add(doc + " joins " + clinic.name() + " after eleven years treating " + Vocabulary.pick(r, Vocabulary.CONDITIONS)
            + " and " + Vocabulary.pick(r, Vocabulary.CONDITIONS) + " at a teaching hospital.");
        paragraphs.add(doc + " is accepting new patients; book online or call " + clinic.phone() + ".");
      }
      case "reference-ranges" -> {
        title = "Know your numbers";
        paragraphs.add("A normal A1C is below 5.7%, and a fasting glucose under 100 mg/dL is considered normal.");
        paragraphs.add("Blood pressure under 120/80 is healthy; LDL cholesterol under 100 mg/dL is the usual goal.");
      }
      case "pharmacy-card-numbers" -> {
        title = "Save on prescriptions with our discount card";
        paragraphs.add("Show this card at any pharmacy: BIN 610" + Person.digits(r, 3) + ", PCN CLUB, Group RXS" + Person.digits(r, 4) + ".");
        paragraphs.add("Have your member ID card ready when you call. Savings of up to 80% on generic medications.");
      }
      case "birthday-month-promo" -> {
        title = "Happy birthday month!";
        paragraphs.add("Born in " + Vocabulary.pick(r, Vocabulary.MONTHS) + "? Celebrate with 20% off any spa or wellness service.");
        paragraphs.add("Offer valid for members born this month; bring a photo ID.");
      }
      case "price-list-csv" -> {
        title = "Our self-pay price list";
        paragraphs.add("The attached list shows our self-pay prices for common visits and tests.");
        attachment = Mime.text("text/csv", Documents.csv(List.of("code", "service", "price_usd"), List.of(
            List.of("E11-" + (100 + r.nextInt(900)), "Diabetes education class", "45.00"),
            List.of("99213", "Office visit, established", "118.00"),
            List.of("80053", "Metabolic panel", "39.00"),
            List.of("Z00-" + (10 + r.nextInt(90)), "Annual physical", "160.00"))), StandardCharsets.UTF_8, Mime.Cte.SEVEN_BIT,
            i -> false, List.of("Content-Disposition: attachment; filename=\"prices.csv\""));
      }
      case "event-ics-speaker" -> {
        title = "Free talk: living well with arthritis";
        paragraphs.add(doc + " explains new treatment options for arthritis and answers your questions.");
        attachment = Mime.text("text/calendar; method=REQUEST", Documents.ics(id + "@" + clinic.domain(),
            "20260512T230000Z", "20260513T003000Z", "Talk: living well with arthritis", clinic.street() + ", " + clinic.city(),
            "Speaker: " + doc + ". Call " + clinic.phone() + " to reserve a seat.", null), StandardCharsets.UTF_8, Mime.Cte.SEVEN_BIT);
      }
      case "valued-patient-salutation" -> {
        title = "A new class for people living with diabetes";
        paragraphs.add("Dear Valued Patient,\nour certified educators teach a four-week class on meal planning, insulin and glucose checks.");
        paragraphs.add("Seats are limited; call " + clinic.phone() + " to join.");
      }
      default -> {
        title = "Your invoice and tracking number";
        paragraphs.add("Invoice INV-2026-" + Person.digits(r, 6) + " for your vitamin subscription, $" + price(r) + ".");
        paragraphs.add("Tracking: 1Z " + Person.digits(r, 3) + " " + Person.letters(r, 2) + "1 " + Person.digits(r, 2) + " " + Person.digits(r, 4)
            + " " + Person.digits(r, 3) + ". Customer service: " + clinic.phone() + ".");
      }
    }
    Mime.Part body = Letters.body(Letters.BodyShape.random(r), title, paragraphs, clinic);
    Mime.Part root = attachment == null ? body : new Mime.Multi("mixed", List.of(body, attachment));
    return labelled(id, Category.NEAR_MISS, technique, List.of(title, paragraphs.get(0)), "near miss: " + technique, clinic, title, root, r);
  }

  private static LabelledMessage labelled(String id, Category category, String technique, List<String> keep, String note,
      Vocabulary.Clinic clinic, String subject, Mime.Part root, Random r) {
    byte[] eml = Mime.message(Letters.headers(id, clinic, Mime.subject(subject + " | " + clinic.name()), r), root, id);
    return new LabelledMessage(id, category, Set.of(), technique, List.of(), keep, note, eml);
  }

  private static String price(Random r) {
    return (5 + r.nextInt(90)) + "." + (r.nextBoolean() ? "99" : "50");
  }

  /** ddd-dd-dddd, sometimes in the issued SSN ranges: the shape alone must not count. */
  private static String ssnShaped(Random r) {
    return (100 + r.nextInt(800)) + "-" + (10 + r.nextInt(90)) + "-" + (1000 + r.nextInt(9000));
  }
}
