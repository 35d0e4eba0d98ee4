// The corpus's categories. Each PHI category says where the PHI sits and so
// what a correct detector does with it: PHI in the Subject is refused, PHI in a
// body or attachment raises the required level. Clean mail must pass untouched.
package org.mailward.bench.phi;

enum Category {
  /** PHI in the Subject only; the body is ordinary marketing. */
  SUBJECT("A", true),
  /** PHI in the body only (plain, HTML or alternative parts), in ordinary encodings. */
  BODY("B", true),
  /** PHI only inside an attachment (CSV, ICS, PDF, DOCX, text) with a neutral file name. */
  ATTACHMENT("C", true),
  /** PHI in the Subject, body or an attachment behind an encoding or evasion. */
  ENCODING("D", true),
  /** Clean healthcare marketing: newsletters, promotions, wellness tips, events. */
  CLEAN("E", false),
  /** Clean mail built to look like PHI: ICD-shaped SKUs, SSN-shaped order numbers, clinic phones, staff names. */
  NEAR_MISS("F", false);

  final String code;
  final boolean phi;

  Category(String code, boolean phi) {
    this.code = code;
    this.phi = phi;
  }
}
