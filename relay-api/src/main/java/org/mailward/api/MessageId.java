package org.mailward.api;

import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * A time-ordered, 128-bit message id (ULID layout): 48 bits of epoch milliseconds
 * followed by 80 random bits. Ordered by creation time as raw bytes and as text,
 * which keeps RocksDB keys and Chronicle cycles in arrival order.
 */
public record MessageId(long msb, long lsb) implements Comparable<MessageId> {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  /** Makes a new id for {@code epochMillis}; {@code random} supplies the 80 low bits. */
  public static MessageId generate(long epochMillis, RandomGenerator random) {
    long msb = (epochMillis << 16) | (random.nextLong() & 0xFFFFL);
    return new MessageId(msb, random.nextLong());
  }

  /** The creation time in epoch milliseconds. */
  public long epochMillis() {
    return msb >>> 16;
  }

  /** 16 bytes, big-endian: sorts like the id. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(16).putLong(msb).putLong(lsb).array();
  }

  public static MessageId fromBytes(byte[] bytes) {
    if (bytes.length != 16) {
      throw new IllegalArgumentException("message id needs 16 bytes, got " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new MessageId(b.getLong(), b.getLong());
  }

  /** Parses the 26-character text form. */
  public static MessageId parse(String text) {
    if (text.length() != 26) {
      throw new IllegalArgumentException("message id must have 26 characters");
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 26; i++) {
      int v = decode(text.charAt(i));
      // shift the 130-bit accumulator (2 leading bits unused) left by 5
      hi = (hi << 5) | (lo >>> 59);
      lo = (lo << 5) | v;
    }
    return new MessageId(hi, lo);
  }

  private static int decode(char c) {
    char u = Character.toUpperCase(c);
    for (int i = 0; i < CROCKFORD.length; i++) {
      if (CROCKFORD[i] == u) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a message id character: " + c);
  }

  @Override
  public String toString() {
    char[] out = new char[26];
    long hi = msb;
    long lo = lsb;
    for (int i = 25; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (lo & 31)];
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(out);
  }

  @Override
  public int compareTo(MessageId o) {
    int c = Long.compareUnsigned(msb, o.msb);
    return c != 0 ? c : Long.compareUnsigned(lsb, o.lsb);
  }
}
