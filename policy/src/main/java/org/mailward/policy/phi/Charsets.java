package org.mailward.policy.phi;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The charset of a text part: a byte-order mark wins (UTF-8, UTF-16 BE/LE, UTF-32 BE/LE — a part
 * declared {@code us-ascii} but sent as UTF-16 with a BOM is read as UTF-16), else the declared
 * charset, else UTF-8 (a superset of US-ASCII, and what unlabelled 8-bit mail mostly is); an
 * unknown charset name reads as ISO-8859-1, which maps every byte. Without a BOM, UTF-16 is
 * recognised by its NUL bytes: text in Latin script sent as UTF-16LE has a NUL in nearly every odd
 * byte and none in the even ones (UTF-16BE the other way round), while text in any 8-bit charset
 * or UTF-8 has no NUL at all; so a part whose first {@value #SNIFF_BYTES} bytes show that pattern
 * is read as UTF-16 whatever it declares ({@code us-ascii}, nothing, or {@code utf-16}, which the
 * JDK would read big-endian). ICU4J's {@code CharsetDetector} was rejected: it needs a copy of the
 * part and guesses among 8-bit charsets too, where the declared charset is the better witness.
 */
final class Charsets {
  private Charsets() {}

  /** Bytes looked at for the UTF-16 NUL pattern. */
  static final int SNIFF_BYTES = 512;

  /** A charset and the length of the byte-order mark to skip. */
  record Sniffed(Charset charset, int bomLength) {}

  static Sniffed sniff(byte[] b, int len, String declared) {
    int b0 = len > 0 ? b[0] & 0xFF : -1;
    int b1 = len > 1 ? b[1] & 0xFF : -1;
    int b2 = len > 2 ? b[2] & 0xFF : -1;
    int b3 = len > 3 ? b[3] & 0xFF : -1;
    if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
      return new Sniffed(Charset.forName("UTF-32BE"), 4);
    }
    if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
      return new Sniffed(Charset.forName("UTF-32LE"), 4);
    }
    if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
      return new Sniffed(StandardCharsets.UTF_8, 3);
    }
    if (b0 == 0xFE && b1 == 0xFF) {
      return new Sniffed(StandardCharsets.UTF_16BE, 2);
    }
    if (b0 == 0xFF && b1 == 0xFE) {
      return new Sniffed(StandardCharsets.UTF_16LE, 2);
    }
    Charset utf16 = utf16ByNuls(b, len);
    return new Sniffed(utf16 != null ? utf16 : declared(declared), 0);
  }

  /**
   * UTF-16LE or UTF-16BE when at least 3 of 4 byte pairs in the first {@value #SNIFF_BYTES} bytes
   * have a NUL on one side and almost none on the other; else null. One pass that stops at the first
   * pair without a NUL while the count cannot reach the bar any more, so 8-bit text costs a few bytes.
   */
  static Charset utf16ByNuls(byte[] b, int len) {
    int n = Math.min(len, SNIFF_BYTES) & ~1;
    if (n < 8) {
      return null;
    }
    int pairs = n / 2;
    int allowedMisses = pairs / 4;
    int evenNuls = 0;
    int oddNuls = 0;
    int misses = 0;
    for (int i = 0; i < n; i += 2) {
      boolean even = b[i] == 0;
      boolean odd = b[i + 1] == 0;
      evenNuls += even ? 1 : 0;
      oddNuls += odd ? 1 : 0;
      if (even == odd && ++misses > allowedMisses) {
        return null; // no NUL (or two): not UTF-16 in this script
      }
    }
    int bar = pairs - allowedMisses;
    if (oddNuls >= bar && evenNuls <= allowedMisses) {
      return StandardCharsets.UTF_16LE;
    }
    if (evenNuls >= bar && oddNuls <= allowedMisses) {
      return StandardCharsets.UTF_16BE;
    }
    return null;
  }

  static Charset declared(String name) {
    if (name == null || name.isBlank() || name.equalsIgnoreCase("us-ascii")) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name.trim());
    } catch (RuntimeException e) {
      return StandardCharsets.ISO_8859_1;
    }
  }

  /** Decodes {@code len} bytes with the sniffed charset. */
  static String decode(byte[] b, int len, String declared) {
    Sniffed s = sniff(b, len, declared);
    return new String(b, s.bomLength(), len - s.bomLength(), s.charset());
  }
}
