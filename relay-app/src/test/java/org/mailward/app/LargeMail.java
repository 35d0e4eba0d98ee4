package org.mailward.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

/**
 * A large test message made on the fly, never held whole: a plain-text body or
 * a base64 attachment, of about the requested size. {@link #writeTo} streams it
 * dot-stuffed to an SMTP DATA phase and digests the unstuffed bytes (what the
 * receiver must get), so a test can compare without keeping either copy.
 */
record LargeMail(String marker, Kind kind, long approxBytes, long seed) {
  enum Kind { TEXT, ATTACHMENT }

  /** The first header line: unique, so the received copy can be found behind the relay's own fields. */
  String firstLine() {
    return "X-Large-Test: " + marker;
  }

  /** Writes the message dot-stuffed with the final {@code .CRLF}; returns the SHA-256 (hex) of the message as sent. */
  String writeTo(OutputStream wire) throws IOException {
    MessageDigest sha = sha256();
    StringBuilder head = new StringBuilder()
        .append(firstLine()).append("\r\n")
        .append("From: news@clinic.example\r\n")
        .append("To: patients@patients.example\r\n")
        .append("Subject: large message ").append(marker).append("\r\n")
        .append("MIME-Version: 1.0\r\n");
    if (kind == Kind.ATTACHMENT) {
      head.append("Content-Type: multipart/mixed; boundary=\"b-").append(marker).append("\"\r\n\r\n")
          .append("--b-").append(marker).append("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
          .append("Your lab report is attached.\r\n.\r\n..a line that starts with dots\r\n\r\n")
          .append("--b-").append(marker).append("\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n")
          .append("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n\r\n");
    } else {
      head.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    }
    byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
    wire.write(stuff(h));
    sha.update(h);
    Random random = new Random(seed);
    long written = h.length;
    long lineNo = 0;
    Base64.Encoder b64 = Base64.getEncoder();
    byte[] raw = new byte[57]; // 57 bytes -> one 76-character base64 line
    StringBuilder chunk = new StringBuilder(80 * 1024);
    while (written < approxBytes) {
      chunk.setLength(0);
      for (int i = 0; i < 1000 && written < approxBytes; i++, lineNo++) {
        String line;
        if (kind == Kind.ATTACHMENT) {
          random.nextBytes(raw);
          line = b64.encodeToString(raw);
        } else {
          // every 97th line starts with a dot, which the client stuffs and the relay must stuff again
          line = (lineNo % 97 == 0 ? "." : "") + "line " + lineNo + " of the newsletter " + Long.toHexString(random.nextLong());
        }
        chunk.append(line).append("\r\n");
        written += line.length() + 2;
      }
      byte[] plain = chunk.toString().getBytes(StandardCharsets.US_ASCII);
      sha.update(plain);
      wire.write(stuff(plain));
    }
    if (kind == Kind.ATTACHMENT) {
      byte[] tail = ("\r\n--b-" + marker + "--\r\n").getBytes(StandardCharsets.US_ASCII);
      sha.update(tail);
      wire.write(tail);
    }
    wire.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
    wire.flush();
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Dot-stuffs whole lines (every chunk here starts at a line start). */
  private static byte[] stuff(byte[] lines) {
    String s = new String(lines, StandardCharsets.US_ASCII);
    String stuffed = (s.startsWith(".") ? "." : "") + s.replace("\r\n.", "\r\n..");
    return stuffed.getBytes(StandardCharsets.US_ASCII);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
