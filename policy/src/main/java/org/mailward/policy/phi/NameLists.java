package org.mailward.policy.phi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The word lists that tell a capitalised word that may be a name from one that is an ordinary
 * word or an organisation's: given names (SSA, public domain), surnames (US Census, public domain),
 * common English words (SCOWL via Debian's wamerican-small) — the resources' headers give their
 * sources — and a short hand-written list of words that make a capitalised run an organisation, a
 * place or a date (Clinic, Center, Street, June…). Immutable once loaded; lookups take lower-case words.
 */
public final class NameLists {
  private static final String DIR = "/org/mailward/policy/phi/";
  private static final Set<String> NOT_A_NAME = Set.of(
      "clinic", "clinics", "center", "centre", "centers", "health", "healthcare", "hospital", "hospitals", "pharmacy",
      "medical", "medicine", "care", "associates", "group", "family", "services", "service", "institute", "university",
      "college", "foundation", "practice", "partners", "network", "labs", "lab", "laboratory", "laboratories", "wellness",
      "dental", "dentistry", "dermatology", "cardiology", "oncology", "orthopedics", "orthopaedics", "pediatrics",
      "psychiatry", "radiology", "neurology", "urology", "gastroenterology", "endocrinology", "obstetrics", "gynecology",
      "urgent", "behavioral", "women", "womens", "children", "childrens", "specialty", "specialists", "surgical", "surgery",
      "vision", "eye", "hearing", "physical", "therapy", "rehab", "rehabilitation", "street", "avenue", "road", "drive",
      "lane", "suite", "plaza", "inc", "llc", "corp", "team", "staff", "department", "office", "program", "insurance",
      "plan", "plans", "pharmacies", "primary", "community", "regional", "memorial", "general", "county", "city",
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
      "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "dear", "hello", "patient",
      "member", "customer", "friend", "neighbor", "neighbour", "valued", "mr", "mrs", "ms", "dr", "md", "your", "our");

  private final Set<String> given;
  private final Set<String> surnames;
  private final Set<String> common;

  private NameLists(Set<String> given, Set<String> surnames, Set<String> common) {
    this.given = given;
    this.surnames = surnames;
    this.common = common;
  }

  /** The lists shipped with the module. */
  public static NameLists bundled() {
    return new NameLists(load("given-names.txt"), load("surnames.txt"), load("common-words.txt"));
  }

  boolean given(String lower) {
    return given.contains(lower);
  }

  boolean surname(String lower) {
    return surnames.contains(lower);
  }

  /** An ordinary English word that is neither a given name nor a surname on the lists. */
  boolean ordinary(String lower) {
    return common.contains(lower) && !given.contains(lower) && !surnames.contains(lower);
  }

  /** A word that makes a capitalised run an organisation, a place, a date or a form of address, never a person. */
  boolean notAName(String lower) {
    return NOT_A_NAME.contains(lower);
  }

  private static Set<String> load(String file) {
    Set<String> words = new HashSet<>();
    try (InputStream in = NameLists.class.getResourceAsStream(DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DIR + file);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          words.add(line.strip().toLowerCase(Locale.ROOT));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(words);
  }
}
