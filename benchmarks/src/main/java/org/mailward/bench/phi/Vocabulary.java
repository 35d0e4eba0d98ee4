// The corpus's own words: invented patients (given names and surnames from many
// cultures), conditions, medications, lab results, procedures, clinicians, clinics
// and marketing copy. Written for this corpus from general knowledge; it does not
// read, copy or share the detector's dictionary or patterns, so the accuracy it
// measures is not the detector grading its own homework. All people, clinics,
// numbers and addresses are invented (phones are 555-01xx, domains .example).
package org.mailward.bench.phi;

import java.util.List;
import java.util.Random;

final class Vocabulary {
  private Vocabulary() {}

  static final List<String> GIVEN = List.of(
      "Amara", "Tomasz", "Yuki", "Oluwaseun", "Priyanka", "Mateo", "Siobhan", "Dmitri", "Leilani", "Farhan",
      "Ingrid", "Kofi", "Mei-Lin", "Rafael", "Zainab", "Bjorn", "Thandiwe", "Arjun", "Noor", "Esperanza",
      "Hamid", "Ngozi", "Ilse", "Keanu", "Fatima", "Giovanni", "Ayesha", "Lachlan", "Wren", "Bartholomew",
      "Chiamaka", "Soren", "Imogen", "Tariq", "Ludmila", "Xochitl", "Henrike", "Daniel", "Grace", "Walter",
      "Rosalie", "Emeka", "Anahera", "Piotr", "Consuelo", "Hyun-woo", "Beatriz", "Cormac", "Svetlana", "Ezekiel",
      "Ruth", "Joaquin", "Linnea", "Obinna", "Paloma", "Teodor", "Adaeze", "Rahul", "Maren", "Ignatius");

  /** Given names with letters outside ASCII, for charset variants (ISO-8859-1 representable). */
  static final List<String> GIVEN_ACCENTED = List.of(
      "Zoë", "José", "Søren", "Inés", "Björn", "Agnès", "Ólafur", "Raphaël", "Mónica", "Françoise", "Jürgen", "Noémie");

  static final List<String> SURNAMES = List.of(
      "Okonkwo", "Nakamura", "Kowalczyk", "Fitzgerald", "Haddad", "Oyelaran", "Castellanos", "Lindqvist",
      "Ramaswamy", "Abubakar", "Dubois", "Pereira", "Kealoha", "Petrov", "Mbeki", "Van der Berg", "O'Sullivan",
      "Nguyen", "Takahashi", "Adeyemi", "Moreau", "Schwartz", "Achterberg", "Quispe", "Rahimi", "Eze", "Iyer",
      "Yilmaz", "Mwangi", "Sandoval", "Kristiansen", "Whitlock", "Hargreaves", "Delacroix", "Boateng",
      "Szymanski", "Tuilagi", "Mukherjee", "Fontaine", "Greenhalgh", "Obradovic", "Cardenas", "Halloran",
      "Vasquez", "Ishikawa", "Olawale", "Brennan", "Karimi", "Lundgren", "Esposito", "Chukwu", "Ferreira-Lima",
      "Pemberton", "Zhou", "Villanueva", "Okafor", "Marchetti", "Novak", "Ashworth", "Baptiste");

  static final List<String> SURNAMES_ACCENTED = List.of(
      "Müller", "Jiménez", "Sørensen", "Lefèvre", "Gonçalves", "Håkansson", "Núñez", "Béranger", "Özdemir", "Ángel");

  static final List<String> CONDITIONS = List.of(
      "type 2 diabetes", "high blood pressure", "asthma", "COPD", "major depression", "generalized anxiety disorder",
      "rheumatoid arthritis", "an underactive thyroid", "stage 3 chronic kidney disease", "atrial fibrillation",
      "chronic migraine", "breast cancer", "prostate cancer", "HIV", "hepatitis C", "plaque psoriasis",
      "Crohn's disease", "multiple sclerosis", "epilepsy", "osteoporosis", "obstructive sleep apnea",
      "bipolar disorder", "opioid use disorder", "congestive heart failure", "gestational diabetes",
      "celiac disease", "glaucoma", "Parkinson's disease", "lupus", "alcohol use disorder");

  static final List<String> MEDICATIONS = List.of(
      "metformin 500 mg", "lisinopril 10 mg", "atorvastatin 40 mg", "levothyroxine 75 mcg", "sertraline 50 mg",
      "an albuterol inhaler", "insulin glargine", "apixaban 5 mg", "adalimumab", "buprenorphine-naloxone",
      "methotrexate", "tamoxifen", "semaglutide", "losartan 50 mg", "gabapentin 300 mg", "escitalopram 10 mg",
      "montelukast", "alendronate", "lamotrigine", "emtricitabine-tenofovir", "latanoprost eye drops",
      "carbidopa-levodopa", "hydroxychloroquine", "naltrexone");

  /** A lab test with the result that is out of range, as a clinic would write it. */
  static final List<String> LAB_RESULTS = List.of(
      "A1C of 8.9%", "LDL cholesterol of 187 mg/dL", "eGFR of 41", "TSH of 7.8", "PSA of 6.4 ng/mL",
      "blood pressure reading of 164/101", "INR of 3.6", "hemoglobin of 9.2 g/dL", "fasting glucose of 214 mg/dL",
      "viral load of 1,200 copies/mL", "ferritin of 8 ng/mL", "vitamin D level of 11 ng/mL", "ALT of 96 U/L",
      "potassium of 5.9 mmol/L", "bone density T-score of -2.8");

  static final List<String> PROCEDURES = List.of(
      "colonoscopy", "knee replacement", "cataract surgery", "MRI of the lumbar spine", "mammogram follow-up",
      "sleep study", "echocardiogram", "allergy testing", "physical therapy evaluation", "cardiac stress test",
      "biopsy", "dialysis intake", "prenatal ultrasound", "infusion", "CT scan of the chest");

  static final List<String> CLINICIANS = List.of(
      "Dr. Ifeoma Balogun", "Dr. Henrik Aalto", "Dr. Rosalind Teller", "Dr. Sanjay Mehrotra", "Dr. Claire Dunmore",
      "Dr. Tobias Wrenfield", "Dr. Adaora Nwosu", "Dr. Lucas Ferreira", "Dr. Hana Yoshida", "Dr. Miriam Castell",
      "nurse practitioner Jo Abernathy", "Dr. Kwabena Asante");

  /** name, domain, street address line, city line, phone (555-01xx). */
  record Clinic(String name, String domain, String street, String city, String phone) {}

  static final List<Clinic> CLINICS = List.of(
      new Clinic("Cedar Ridge Family Medicine", "cedarridge-fm.example", "410 Orchard Lane", "Dayton, OH 45402", "(937) 555-0142"),
      new Clinic("Bayfront Endocrine Center", "bayfront-endo.example", "88 Wharf Street, Suite 300", "Tampa, FL 33602", "(813) 555-0117"),
      new Clinic("Northgate Heart Group", "northgate-heart.example", "1200 Northgate Blvd", "Spokane, WA 99205", "(509) 555-0163"),
      new Clinic("Willowmere Women's Health", "willowmere.example", "27 Birch Court", "Madison, WI 53703", "(608) 555-0129"),
      new Clinic("Tidewater Pharmacy", "tidewater-rx.example", "5 Harbor Road", "Norfolk, VA 23510", "(757) 555-0188"),
      new Clinic("Summit Lake Orthopedics", "summitlake-ortho.example", "940 Ridgeline Drive", "Boise, ID 83702", "(208) 555-0154"),
      new Clinic("Riverbend Pediatrics", "riverbend-peds.example", "63 Mill Race Road", "Chattanooga, TN 37402", "(423) 555-0131"),
      new Clinic("Alder Grove Behavioral Health", "aldergrove-bh.example", "310 Alder Avenue", "Eugene, OR 97401", "(541) 555-0176"),
      new Clinic("Lantern Hill Dermatology", "lanternhill-derm.example", "17 Lantern Hill Road", "Albany, NY 12207", "(518) 555-0108"),
      new Clinic("Mesa Verde Health Plan", "mesaverde-plan.example", "2500 Canyon Parkway", "Tucson, AZ 85701", "(520) 555-0195"));

  static final List<String> STREETS = List.of(
      "Maple Hollow Road", "Quarry Street", "Juniper Court", "Old Mill Lane", "Tamarack Drive", "Sandpiper Way",
      "Kingfisher Avenue", "Larkspur Terrace", "Granite Ridge Road", "Beacon Hill Circle", "Cypress Bend", "Ferry Street");

  static final List<String> TOWNS = List.of(
      "Fairhaven, MA 02719", "Loveland, CO 80537", "Decatur, GA 30030", "Ames, IA 50010", "Bend, OR 97701",
      "Lancaster, PA 17602", "Ogden, UT 84401", "Duluth, MN 55802", "Mobile, AL 36602", "Salem, NH 03079");

  static final List<String> MONTHS = List.of(
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December");

  static final List<String> WEEKDAYS = List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday");

  /** Newsletter topics: headline and two sentences, no person and no patient. */
  static final List<List<String>> NEWSLETTER = List.of(
      List.of("Five ways to sleep better this winter",
          "Keep a steady bedtime, dim the screens an hour before, and keep the bedroom cool.",
          "Our sleep medicine team runs a free online class on the first Tuesday of every month."),
      List.of("Eating well on a budget",
          "Frozen vegetables are as nutritious as fresh ones and keep for months.",
          "Our dietitians share a week of recipes that cost under $40 for a family of four."),
      List.of("Why blood pressure checks matter",
          "High blood pressure rarely causes symptoms, which is why regular checks are important.",
          "Free blood pressure checks are available at our front desk, no appointment needed."),
      List.of("Getting ready for allergy season",
          "Tree pollen counts peak in spring; start your usual allergy routine a couple of weeks early.",
          "Ask our pharmacists which over-the-counter options suit your family."),
      List.of("Walking clubs are back",
          "Join neighbours for a 30-minute walk every Saturday morning from the east parking lot.",
          "Walking most days lowers the risk of heart disease and type 2 diabetes."),
      List.of("Understanding your health plan benefits",
          "Preventive visits, many screenings and most vaccines are covered at no cost on our plans.",
          "Log in to the member portal to see what your plan covers this year."),
      List.of("Protect your skin outdoors",
          "Use a broad-spectrum sunscreen of SPF 30 or higher and reapply every two hours.",
          "Our dermatology clinic offers skin checks on weekday evenings."),
      List.of("Caring for a loved one with memory loss",
          "Caregivers need support too: our monthly group meets in the library on Thursdays.",
          "Bring questions about routines, safety at home and respite care."),
      List.of("Staying active with joint pain",
          "Low-impact exercise such as swimming and cycling keeps joints moving without strain.",
          "Our physical therapists host a free arthritis-friendly exercise session each week."),
      List.of("Mental health is health",
          "One in five adults lives with a mental health condition; reaching out is a sign of strength.",
          "Our counselling services now offer same-week video visits."));

  /** Promotions: headline and offer, with prices and codes. */
  static final List<List<String>> PROMOTIONS = List.of(
      List.of("Save 20% on blood pressure monitors", "Use code HEART20 at checkout through the end of the month."),
      List.of("Free shipping on vitamins and supplements", "Orders over $35 ship free; subscribe and save another 10%."),
      List.of("New: same-day teeth whitening", "Book a whitening session for $149 (regularly $229)."),
      List.of("Flu shots are here", "Walk in any day from 8 am to 7 pm; most plans cover the shot at no cost."),
      List.of("Refer a friend, get a $25 credit", "Share your link and both of you receive a credit toward eyewear."),
      List.of("Back-to-school physicals for $39", "Sports and camp forms completed the same day."),
      List.of("Our new location is open", "Primary care, lab draws and a pharmacy under one roof, with free parking."),
      List.of("Spring wellness bundle", "A nutrition consult, a fitness assessment and a massage for $99."),
      List.of("Hearing aid trade-in event", "Bring your old hearing aids and save up to $500 on a new pair."),
      List.of("Telehealth visits from $49", "See a clinician from home, evenings and weekends included."));

  static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }
}
