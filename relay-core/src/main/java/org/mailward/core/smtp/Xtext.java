package org.mailward.core.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** RFC 3461 xtext ({@code +XX} hex escapes) for ENVID and ORCPT. Decoding only; no I/O. */
public final class Xtext {
  private Xtext() {}

  /** Decodes xtext; empty when it is malformed (bad escape or a character outside "!" to "~" other than "+", "="). */
  public static Optional<String> decode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        if (i + 2 >= text.length()) {
          return Optional.empty();
        }
        int hi = hex(text.charAt(i + 1));
        int lo = hex(text.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c >= '!' && c <= '~' && c != '=') {
        out.write(c);
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }

  /** Encodes a string as xtext. */
  public static String encode(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c >= '!' && c <= '~' && c != '+' && c != '=') {
        sb.append((char) c);
      } else {
        sb.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
