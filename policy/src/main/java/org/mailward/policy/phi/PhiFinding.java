package org.mailward.policy.phi;

/**
 * One piece of evidence the detector found, never the text itself: what kind of PHI it is, which
 * rule found it, where (offsets into the scanned text; {@link PhiDetector} maps them back to the
 * original part where the text was normalised), and what it weighs in the score.
 *
 * @param category what the evidence is
 * @param rule the rule that found it, e.g. {@code name.salutation}, {@code id.labelled}, {@code health.condition}
 * @param start first character
 * @param end one past the last character
 * @param weight its part of the score ({@link PhiScore})
 */
public record PhiFinding(Category category, String rule, int start, int end, int weight) {
  /** Kinds of evidence. Names, identifiers and person dates tie a text to a person; health says what about them. */
  public enum Category {
    /** A person's name (not a clinician's, not the sender's). */
    NAME,
    /** A record, member, account, prescription or social security number, a date of birth, an MBI. */
    IDENTIFIER,
    /** A date of someone's care (appointment, admission, service). */
    DATE,
    /** A phone number or a street address. */
    CONTACT,
    /** Health context: a condition, procedure, medication, lab, care event, or an ICD-10/CPT code. */
    HEALTH
  }

  /** The same finding at other offsets (mapped back to the original text). */
  PhiFinding at(int newStart, int newEnd) {
    return new PhiFinding(category, rule, newStart, newEnd, weight);
  }
}
