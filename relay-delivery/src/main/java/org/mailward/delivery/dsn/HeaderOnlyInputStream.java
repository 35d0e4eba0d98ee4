package org.mailward.delivery.dsn;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes through a message's header section and stops at the empty line that
 * ends it (the empty line itself is not passed), so a DSN can carry the
 * original's header without ever reading its body.
 */
final class HeaderOnlyInputStream extends FilterInputStream {
  private boolean lineStart = true;
  private boolean done;
  private int stash = -2;

  HeaderOnlyInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    if (done) {
      return -1;
    }
    int b;
    if (stash != -2) {
      b = stash;
      stash = -2;
    } else {
      b = in.read();
    }
    if (b < 0 || (lineStart && b == '\n')) {
      done = true;
      return -1;
    }
    if (lineStart && b == '\r') {
      int n = in.read();
      if (n < 0 || n == '\n') {
        done = true;
        return -1;
      }
      stash = n;
      lineStart = false;
      return b;
    }
    lineStart = b == '\n';
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = 0;
    while (n < len) {
      int c = read();
      if (c < 0) {
        return n == 0 ? -1 : n;
      }
      b[off + n++] = (byte) c;
      if (c == '\n') {
        return n;
      }
    }
    return n;
  }
}
