package org.mailward.policy.phi;

import java.util.Locale;

/**
 * What a dictionary entry means to the detector: health context (the four clinical kinds) or a
 * cue word that turns a nearby number into an identifier or a code (never health context alone).
 */
enum TermCategory {
  // The four health kinds come first, numbered like their detectors in TextFindings (CONDITION..LAB).
  CONDITION, PROCEDURE, MEDICATION, LAB,
  CUE_DOB, CUE_SSN, CUE_NPI, CUE_DEA, CUE_ICD;

  boolean isHealth() {
    return ordinal() <= LAB.ordinal();
  }

  static TermCategory fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('.', '_'));
  }
}
