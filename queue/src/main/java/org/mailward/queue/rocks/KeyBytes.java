// Small helpers for ordered binary keys (big-endian numbers sort like the numbers).
package org.mailward.queue.rocks;

import java.util.Arrays;

public final class KeyBytes {
  private KeyBytes() {}

  /** The smallest key greater than every key starting with {@code prefix}; null when there is none. */
  public static byte[] successor(byte[] prefix) {
    byte[] out = Arrays.copyOf(prefix, prefix.length);
    for (int i = out.length - 1; i >= 0; i--) {
      if (out[i] != (byte) 0xFF) {
        out[i]++;
        return Arrays.copyOf(out, i + 1);
      }
    }
    return null;
  }
}
