package org.mailward.policy.phi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The result of scanning one message: verdicts for subject and body, detector counts for the
 * audit evidence, and the few header facts policy needs later. Holds no message text.
 *
 * @param subjectPhi the Subject scores as PHI on its own, or carries an identifier
 * @param bodyPhi a text part, an attachment's text or an attachment name scores as PHI
 * @param counts detector and rule name to hits (subject detectors prefixed {@code subject.}), and
 *     {@code attachment.read} / {@code attachment.unreadable.<reason>}
 * @param opaqueAttachments attachments whose text could not be read (unsupported, encrypted, too large, over budget, damaged)
 * @param truncated the body was larger than the scan budget; the tail was not scanned
 * @param unparseable the MIME structure could not be read
 * @param purposeHeader the value of {@code X-Mailward-Purpose}, if present
 * @param listUnsubscribe the message already carries a List-Unsubscribe header (from the ESP)
 * @param evidence the findings that made each PHI verdict (category, rule, place, offsets; no text)
 */
public record PhiReport(
    boolean subjectPhi,
    boolean bodyPhi,
    Map<String, Integer> counts,
    int opaqueAttachments,
    boolean truncated,
    boolean unparseable,
    Optional<String> purposeHeader,
    boolean listUnsubscribe,
    List<PhiEvidence> evidence) {
  public PhiReport {
    counts = java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
    evidence = List.copyOf(evidence);
  }
}
