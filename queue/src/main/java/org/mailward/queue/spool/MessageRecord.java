// The messages-column-family row: body size, the Chronicle index of every body
// frame (so a read seeks straight to them, no scan) and the envelope.
// Layout: [version][size][frame count][first index][delta varints...][envelope].
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.mailward.api.Envelope;

record MessageRecord(long size, long[] frames, Envelope envelope) {
  private static final byte VERSION = 1;

  byte[] encode() {
    byte[] env = EnvelopeCodec.encode(envelope);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8 + frames.length * 10 + env.length);
    b.put(VERSION).putLong(size).putInt(frames.length);
    if (frames.length > 0) {
      b.putLong(frames[0]);
      for (int i = 1; i < frames.length; i++) {
        putVarLong(b, frames[i] - frames[i - 1]);
      }
    }
    b.put(env);
    return Arrays.copyOf(b.array(), b.position());
  }

  static MessageRecord decode(byte[] row) {
    ByteBuffer b = ByteBuffer.wrap(row);
    byte version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("unknown message record version " + version);
    }
    long size = b.getLong();
    long[] frames = new long[b.getInt()];
    if (frames.length > 0) {
      frames[0] = b.getLong();
      for (int i = 1; i < frames.length; i++) {
        frames[i] = frames[i - 1] + getVarLong(b);
      }
    }
    return new MessageRecord(size, frames, EnvelopeCodec.decode(row, b.position()));
  }

  private static void putVarLong(ByteBuffer b, long v) {
    while ((v & ~0x7FL) != 0) {
      b.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.put((byte) v);
  }

  private static long getVarLong(ByteBuffer b) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b.get();
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
  }
}
