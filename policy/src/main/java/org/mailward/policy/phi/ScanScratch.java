package org.mailward.policy.phi;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * The arrays one PHI scan works in: a part's raw bytes, its decoded text, its HTML-stripped text,
 * a copy for the letter pass, and the automaton's 8 K chunk, plus a charset decoder. Held per thread by {@link ScanBuffers}
 * and used by one scan at a time, so an ordinary message allocates none of them. An array larger
 * than {@link #KEEP_BYTES} (a huge part) serves its scan and is then dropped, not kept.
 * Not thread-safe.
 */
final class ScanScratch {
  /** The largest array, in bytes of memory, kept for the next scan. */
  static final int KEEP_BYTES = 1 << 20;
  private static final byte[] NO_BYTES = {};
  private static final char[] NO_CHARS = {};

  private final char[] chunk = new char[TermAutomaton.CHUNK];
  private byte[] raw = NO_BYTES;
  private char[] text = NO_CHARS;
  private char[] html = NO_CHARS;
  private char[] letters = NO_CHARS;
  private Charset decoderCharset;
  private CharsetDecoder decoder;
  boolean busy;

  /** The automaton's chunk array, {@link TermAutomaton#CHUNK} long. */
  char[] chunk() {
    return chunk;
  }

  /** The raw-bytes array as left by the last part (any length, possibly empty). */
  byte[] raw() {
    return raw;
  }

  /** Keeps {@code grown} (a larger raw-bytes array) for the rest of this scan. */
  void raw(byte[] grown) {
    raw = grown;
  }

  /** An array of at least {@code min} chars for HTML-stripped text. */
  char[] html(int min) {
    if (html.length < min) {
      html = new char[min];
    }
    return html;
  }

  /** An array of at least {@code min} chars for a copy of a text the letter pass walks ({@link TextScanner}). */
  char[] letters(int min) {
    if (letters.length < min) {
      letters = new char[min];
    }
    return letters;
  }

  /**
   * Decodes {@code bytes[0, length)} as {@code new String(bytes, 0, length, charset)} does
   * (malformed and unmappable input replaced), into this scratch's text array.
   */
  CharArrayText decode(byte[] bytes, int length, Charset charset) {
    return decode(bytes, 0, length, charset);
  }

  /** As {@link #decode(byte[], int, Charset)}, for {@code bytes[offset, length)} (after a byte-order mark). */
  CharArrayText decode(byte[] bytes, int offset, int length, Charset charset) {
    if (length - offset <= 0) {
      return new CharArrayText(NO_CHARS, 0);
    }
    CharsetDecoder d = decoder(charset);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length - offset);
    int capacity = (int) Math.min(Integer.MAX_VALUE - 16, (long) Math.ceil(length * (double) d.maxCharsPerByte()));
    if (text.length < capacity) {
      text = new char[capacity];
    }
    CharBuffer out = CharBuffer.wrap(text);
    while (true) {
      CoderResult r = in.hasRemaining() ? d.decode(in, out, true) : CoderResult.UNDERFLOW;
      if (r.isUnderflow()) {
        r = d.flush(out);
      }
      if (r.isUnderflow()) {
        break;
      }
      if (!r.isOverflow()) {
        throw new IllegalStateException("a replacing decoder reported " + r); // cannot happen
      }
      char[] grown = new char[2 * text.length + 16];
      System.arraycopy(text, 0, grown, 0, out.position());
      int at = out.position();
      text = grown;
      out = CharBuffer.wrap(text);
      out.position(at);
    }
    return new CharArrayText(text, out.position());
  }

  private CharsetDecoder decoder(Charset charset) {
    if (!charset.equals(decoderCharset)) {
      decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
      decoderCharset = charset;
    }
    return decoder.reset();
  }

  /** After a scan: drops any array above {@link #KEEP_BYTES}. */
  void trim() {
    if (raw.length > KEEP_BYTES) {
      raw = NO_BYTES;
    }
    if (text.length > KEEP_BYTES / 2) {
      text = NO_CHARS;
    }
    if (html.length > KEEP_BYTES / 2) {
      html = NO_CHARS;
    }
    if (letters.length > KEEP_BYTES / 2) {
      letters = NO_CHARS;
    }
  }
}
