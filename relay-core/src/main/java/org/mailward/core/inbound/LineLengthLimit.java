package org.mailward.core.inbound;

/**
 * Watches a message's lines go by and remembers whether any was longer than
 * RFC 5322 §2.1.1 allows: 998 octets, not counting the CRLF. Header and body
 * lines alike; a line is what lies between LFs (a bare LF ends one too, and is
 * refused on its own account by {@link DataScanner}). Holds only a counter, never
 * the bytes: the body streams past it. Not thread-safe (one connection's loop).
 *
 * <p>Does not: fold, wrap or re-encode (that would break the ESP's DKIM
 * signature), or judge command lines (those have {@code max-line-length}).
 */
public final class LineLengthLimit {
  /** RFC 5322 §2.1.1: at most 998 characters on a line, excluding the CRLF. */
  public static final int MAX_OCTETS = 998;

  private long current; // octets of the line so far, including a trailing CR whose LF may follow
  private boolean lastWasCr;
  private boolean exceeded;

  /** Looks at {@code b[off, off+len)}, the next bytes of the message as it will be stored. */
  public void feed(byte[] b, int off, int len) {
    if (exceeded || len == 0) {
      return;
    }
    int end = off + len;
    int i = off;
    while (i < end) {
      int lf = indexOfLf(b, i, end);
      if (lf < 0) {
        current += end - i;
        lastWasCr = b[end - 1] == '\r';
        if (current - (lastWasCr ? 1 : 0) > MAX_OCTETS) {
          exceeded = true;
        }
        return;
      }
      long line = current + (lf - i);
      boolean cr = lf > i ? b[lf - 1] == '\r' : lastWasCr;
      if (line - (cr ? 1 : 0) > MAX_OCTETS) {
        exceeded = true;
        return;
      }
      current = 0;
      lastWasCr = false;
      i = lf + 1;
    }
  }

  /** Whether some line so far was longer than {@link #MAX_OCTETS}. */
  public boolean exceeded() {
    return exceeded;
  }

  private static int indexOfLf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
