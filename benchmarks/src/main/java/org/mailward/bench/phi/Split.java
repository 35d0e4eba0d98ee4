// The held-out split: about 30 % of the corpus, chosen by a fixed hash of the
// message id (SHA-256 of a salt and the id), so it never changes with the code
// that generates messages or with the detector. Tuning reads only the tuning
// split; the runner reports both.
package org.mailward.bench.phi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

final class Split {
  static final int HELD_OUT_PERCENT = 30;
  private static final String SALT = "mailward-phi-corpus-heldout-v1:";

  private Split() {}

  static boolean isHeldOut(String id) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((SALT + id).getBytes(StandardCharsets.UTF_8));
      int bucket = ((h[0] & 0xff) << 8 | (h[1] & 0xff)) % 100;
      return bucket < HELD_OUT_PERCENT;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  static String name(boolean heldOut) {
    return heldOut ? "held-out" : "tuning";
  }
}
