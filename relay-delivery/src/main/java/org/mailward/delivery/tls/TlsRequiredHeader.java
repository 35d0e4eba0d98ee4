package org.mailward.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.mailward.api.BodySource;

/**
 * Reads only the header section of a spooled message, looking for
 * {@code TLS-Required: No} (RFC 8689 5). Stops at the first empty line or after
 * 256 KiB; never reads the body. Blocking: call it off the event loop.
 */
public final class TlsRequiredHeader {
  private static final int MAX_HEADER = 256 * 1024;

  private TlsRequiredHeader() {}

  public static boolean saysNo(BodySource body) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(body.open(), 8192)) {
      StringBuilder line = new StringBuilder();
      int n = 0;
      int b;
      while ((b = in.read()) >= 0 && n++ < MAX_HEADER) {
        if (b == '\n') {
          String l = line.toString().strip();
          if (l.isEmpty()) {
            return false;
          }
          int colon = l.indexOf(':');
          if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase("TLS-Required")
              && l.substring(colon + 1).trim().equalsIgnoreCase("No")) {
            return true;
          }
          line.setLength(0);
        } else if (line.length() < 1000) {
          line.append(new String(new byte[] {(byte) b}, StandardCharsets.ISO_8859_1));
        }
      }
      return false;
    }
  }
}
