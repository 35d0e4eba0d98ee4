package org.mailward.policy.phi;

import java.util.Locale;

/**
 * What a dictionary entry means to the detector: health context (the four clinical kinds) or a
 * cue word that turns a nearby number into an identifier or a code (never health context alone), a
 * capitalised word into a name, or marks a number as commerce. A term may have several meanings
 * ({@code appointment} is care and a date cue); the dictionary keeps them as a bit set.
 */
enum TermCategory {
  // The four health kinds come first, numbered like their detectors in TextFindings (CONDITION..LAB).
  CONDITION, PROCEDURE, MEDICATION, LAB,
  CUE_DOB, CUE_SSN, CUE_NPI, CUE_DEA, CUE_ICD,
  /** An event of someone's care (appointment, result, refill): health context next to a person only. */
  CARE,
  CUE_GREETING, CUE_NAME, CUE_CLINICIAN, CUE_ID, CUE_HEALTH_ID, CUE_DATE, CUE_PHONE, CUE_CPT, CUE_ORDER, CUE_STREET;

  boolean isHealth() {
    return ordinal() <= LAB.ordinal();
  }

  static TermCategory fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('.', '_'));
  }
}
