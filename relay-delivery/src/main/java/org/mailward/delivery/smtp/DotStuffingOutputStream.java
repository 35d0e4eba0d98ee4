package org.mailward.delivery.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes a message for the DATA phase (RFC 5321 4.5.2): a '.' at the start of
 * a line is doubled, and every bare CR or bare LF becomes CRLF, so no byte
 * sequence in a body can end the transaction early (no SMTP smuggling).
 * {@link #finish()} ends the last line and writes the {@code .CRLF} terminator;
 * it does not close the underlying stream.
 */
final class DotStuffingOutputStream extends FilterOutputStream {
  private boolean lineStart = true;
  private boolean pendingCr;

  DotStuffingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    if (pendingCr) {
      pendingCr = false;
      out.write('\r');
      out.write('\n');
      lineStart = true;
      if (b == '\n') {
        return;
      }
    }
    if (b == '\r') {
      pendingCr = true;
      return;
    }
    if (b == '\n') {
      out.write('\r');
      out.write('\n');
      lineStart = true;
      return;
    }
    if (lineStart && b == '.') {
      out.write('.');
    }
    out.write(b);
    lineStart = false;
  }

  /**
   * Copies runs of bytes in bulk, proper CRLF pairs included; only bare CR or LF,
   * a CR split from its LF by the buffer's end, and line-leading dots take the
   * byte path. A well-formed body goes out in a few large writes.
   */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (!pendingCr) {
        if (c == '\r' && i + 1 < end && b[i + 1] == '\n') {
          i++;
          lineStart = true;
          continue;
        }
        if (c != '\r' && c != '\n' && !(lineStart && c == '.')) {
          lineStart = false;
          continue;
        }
      }
      if (i > start) {
        out.write(b, start, i - start);
      }
      write(c);
      start = i + 1;
    }
    if (end > start) {
      out.write(b, start, end - start);
    }
  }

  /** Completes the last line and writes the end-of-data marker. */
  void finish() throws IOException {
    if (pendingCr) {
      pendingCr = false;
      out.write('\r');
      out.write('\n');
      lineStart = true;
    }
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
    }
    out.write('.');
    out.write('\r');
    out.write('\n');
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
