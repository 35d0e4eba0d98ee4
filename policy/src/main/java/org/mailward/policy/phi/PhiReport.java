package org.mailward.policy.phi;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The result of scanning one message: verdicts for subject and body, detector counts for the
 * audit evidence, and the few header facts policy needs later. Holds no message text.
 *
 * @param subjectPhi an identifier or a health term in the Subject
 * @param bodyPhi an identifier near health context in a text part, or PHI in an attachment name
 * @param counts detector name to hits (subject detectors prefixed {@code subject.})
 * @param opaqueAttachments non-text parts that could not be scanned
 * @param truncated the body was larger than the scan budget; the tail was not scanned
 * @param unparseable the MIME structure could not be read
 * @param purposeHeader the value of {@code X-Mailward-Purpose}, if present
 * @param listUnsubscribe the message already carries a List-Unsubscribe header (from the ESP)
 */
public record PhiReport(
    boolean subjectPhi,
    boolean bodyPhi,
    Map<String, Integer> counts,
    int opaqueAttachments,
    boolean truncated,
    boolean unparseable,
    Optional<String> purposeHeader,
    boolean listUnsubscribe) {
  public PhiReport {
    counts = java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
  }
}
