// The held-out split: about 30 % of the corpus that tuning never looks at. It
// is stratified so every technique is represented: a message's stratum is its
// category and its technique slot (the index modulo the number of techniques of
// the category, which is how the generator assigns techniques), and within each
// stratum of the full corpus the 30 % of ids with the lowest SHA-256 (salted) are
// held out. A pure function of the id: slices, seeds and detectors do not move it.
package org.mailward.bench.phi;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

final class Split {
  static final double HELD_OUT_SHARE = 0.30;
  private static final String SALT = "mailward-phi-corpus-heldout-v1:";

  private Split() {}

  /** For an id "C-0042" of the corpus's format. */
  static boolean isHeldOut(String id) {
    Category category = null;
    for (Category c : Category.values()) {
      if (id.startsWith(c.code + "-")) {
        category = c;
      }
    }
    if (category == null) {
      throw new IllegalArgumentException("not a corpus id: " + id);
    }
    int index = Integer.parseInt(id.substring(2));
    int period = CorpusGenerator.techniqueSlots(category);
    int full = Math.max(CorpusGenerator.FULL.get(category), index + 1);
    List<String> stratum = new ArrayList<>();
    for (int j = index % period; j < full; j += period) {
      stratum.add(String.format("%s-%04d", category.code, j));
    }
    stratum.sort(Comparator.comparing(Split::hash));
    int heldOut = (int) Math.round(stratum.size() * HELD_OUT_SHARE);
    return stratum.indexOf(id) < heldOut;
  }

  private static BigInteger hash(String id) {
    try {
      return new BigInteger(1, MessageDigest.getInstance("SHA-256").digest((SALT + id).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  static String name(boolean heldOut) {
    return heldOut ? "held-out" : "tuning";
  }
}
