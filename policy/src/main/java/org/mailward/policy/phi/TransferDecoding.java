package org.mailward.policy.phi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Content-Transfer-Encoding decoding of a whole text part held in a byte array, for scanning:
 * quoted-printable in place, base64 with the JDK's MIME decoder (falling back to mime4j's lenient
 * stream when the JDK rejects the padding), anything else (7bit, 8bit, binary, unknown) as it is.
 *
 * <p>Why not mime4j's decoding streams: its quoted-printable stream moves every byte through a
 * queue, which cost more than half of a 60 KB marketing message's whole policy evaluation. This
 * decoder is lenient in the same way for what matters to a scanner: {@code =XX} (either case) is a
 * byte, {@code =} before optional blanks and a line break (or the end) is a soft break, any other
 * {@code =} is kept as it is.
 */
final class TransferDecoding {
  private TransferDecoding() {}

  /** A decoded part: {@code bytes[0, length)}. */
  record Decoded(byte[] bytes, int length) {}

  static Decoded decode(String transferEncoding, byte[] raw, int length) {
    if (MimeUtil.isQuotedPrintableEncoded(transferEncoding)) {
      return new Decoded(raw, quotedPrintable(raw, length));
    }
    if (MimeUtil.isBase64Encoding(transferEncoding)) {
      return base64(raw, length);
    }
    return new Decoded(raw, length);
  }

  /** Decodes quoted-printable in {@code b[0, length)} in place; returns the decoded length. */
  static int quotedPrintable(byte[] b, int length) {
    int w = 0;
    int r = 0;
    while (r < length) {
      int eq = r;
      while (eq < length && b[eq] != '=') {
        eq++;
      }
      if (eq > r) {
        System.arraycopy(b, r, b, w, eq - r);
        w += eq - r;
        r = eq;
        if (r == length) {
          break;
        }
      }
      int hi = r + 2 < length ? hex(b[r + 1]) : -1;
      int lo = hi >= 0 ? hex(b[r + 2]) : -1;
      if (lo >= 0) {
        b[w++] = (byte) (hi << 4 | lo);
        r += 3;
        continue;
      }
      int k = r + 1;
      while (k < length && (b[k] == ' ' || b[k] == '\t')) {
        k++;
      }
      if (k == length) {
        r = k;
      } else if (b[k] == '\n') {
        r = k + 1;
      } else if (b[k] == '\r' && k + 1 < length && b[k + 1] == '\n') {
        r = k + 2;
      } else {
        b[w++] = '=';
        r++;
      }
    }
    return w;
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static Decoded base64(byte[] raw, int length) {
    try {
      ByteBuffer out = Base64.getMimeDecoder().decode(ByteBuffer.wrap(raw, 0, length));
      return new Decoded(out.array(), out.limit());
    } catch (IllegalArgumentException e) {
      try (Base64InputStream in = new Base64InputStream(new ByteArrayInputStream(raw, 0, length), DecodeMonitor.SILENT)) {
        byte[] out = in.readAllBytes();
        return new Decoded(out, out.length);
      } catch (IOException io) {
        throw new UncheckedIOException(io);
      }
    }
  }
}
