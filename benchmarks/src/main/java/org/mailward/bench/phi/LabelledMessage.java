// One corpus message and its label: the RFC 5322 bytes, its category, where
// the PHI is (empty for clean mail), the technique that built it, the PHI
// strings as a reader would see them (decoded), and for clean mail the text that
// must arrive unchanged. The id names the category and an index ("B-0042").
package org.mailward.bench.phi;

import java.util.List;
import java.util.Set;

record LabelledMessage(String id, Category category, Set<Location> where, String technique, List<String> needles,
    List<String> keep, String note, byte[] eml) {

  LabelledMessage {
    where = Set.copyOf(where);
    needles = List.copyOf(needles);
    keep = List.copyOf(keep);
  }

  boolean phi() {
    return category.phi;
  }

  /** A correct detector refuses this message (PHI in its Subject). */
  boolean expectsRefusal() {
    return where.contains(Location.SUBJECT);
  }

  boolean heldOut() {
    return Split.isHeldOut(id);
  }
}
