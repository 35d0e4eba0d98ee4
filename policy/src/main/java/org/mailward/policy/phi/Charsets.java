package org.mailward.policy.phi;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The charset of a text part: a byte-order mark wins (UTF-8, UTF-16 BE/LE, UTF-32 BE/LE — a part
 * declared {@code us-ascii} but sent as UTF-16 with a BOM is read as UTF-16), else the declared
 * charset, else UTF-8 (a superset of US-ASCII, and what unlabelled 8-bit mail mostly is); an
 * unknown charset name reads as ISO-8859-1, which maps every byte.
 */
final class Charsets {
  private Charsets() {}

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
    return new Sniffed(declared(declared), 0);
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
