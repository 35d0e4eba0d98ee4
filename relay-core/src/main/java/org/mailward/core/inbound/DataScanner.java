package org.mailward.core.inbound;

/**
 * Reads a DATA body: removes dot-stuffing and finds the end, copying the runs
 * between line ends in bulk and deciding byte by byte only around CR and LF. Only
 * {@code CRLF . CRLF} ends the data (the first CRLF being a real line end); a
 * bare CR or bare LF anywhere is recorded as a violation, and the caller refuses
 * the message once the end is reached, so both sides stay in step. This is the
 * defence against SMTP smuggling ({@code \n.\n}, {@code \r.\r}, {@code \r\n.\n}).
 * Holds no buffers of its own; not thread-safe.
 */
public final class DataScanner {
  private static final int LINE_START = 0;
  private static final int MID_LINE = 1;
  private static final int SAW_CR = 2;
  private static final int SAW_DOT = 3;
  private static final int SAW_DOT_CR = 4;
  private static final int ENDED = 5;

  private int state = LINE_START;
  private boolean bareLineEnding;

  /**
   * Scans {@code in[off, off+len)} and writes the unstuffed bytes to {@code out}
   * from index 0 ({@code out} needs {@code len + 2} bytes). Stops right after the
   * terminating CRLF.CRLF.
   *
   * @return (consumed << 32) | produced
   */
  public long scan(byte[] in, int off, int len, byte[] out) {
    int o = 0;
    int i = off;
    int end = off + len;
    while (i < end && state != ENDED) {
      if (state == MID_LINE) {
        // Hot path: copy the run up to the next CR or LF in bulk (most of a body).
        int start = i;
        while (i < end) {
          byte c = in[i];
          if (c == '\r' || c == '\n') {
            break;
          }
          i++;
        }
        int run = i - start;
        if (run > 0) {
          System.arraycopy(in, start, out, o, run);
          o += run;
        }
        if (i == end) {
          break;
        }
      }
      byte b = in[i++];
      switch (state) {
        case LINE_START -> {
          if (b == '.') {
            state = SAW_DOT;
          } else {
            o = midLine(b, out, o);
          }
        }
        case MID_LINE -> o = midLine(b, out, o);
        case SAW_CR -> {
          if (b == '\n') {
            out[o++] = '\r';
            out[o++] = '\n';
            state = LINE_START;
          } else {
            bareLineEnding = true;
            out[o++] = '\r';
            state = MID_LINE;
            o = midLine(b, out, o);
          }
        }
        case SAW_DOT -> {
          if (b == '\r') {
            state = SAW_DOT_CR;
          } else {
            o = midLine(b, out, o); // the stuffed dot is dropped
          }
        }
        case SAW_DOT_CR -> {
          if (b == '\n') {
            state = ENDED;
          } else {
            bareLineEnding = true;
            out[o++] = '\r';
            state = MID_LINE;
            o = midLine(b, out, o);
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    return ((long) (i - off) << 32) | o;
  }

  private int midLine(byte b, byte[] out, int o) {
    if (b == '\r') {
      state = SAW_CR;
      return o;
    }
    if (b == '\n') {
      bareLineEnding = true;
    }
    out[o] = b;
    state = MID_LINE;
    return o + 1;
  }

  public boolean ended() {
    return state == ENDED;
  }

  public boolean sawBareLineEnding() {
    return bareLineEnding;
  }
}
