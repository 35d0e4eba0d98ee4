// The messages-column-family row: body size, the Chronicle index of every body
// frame (so a read seeks straight to them, no scan) and the envelope, sealed
// with the message's data key (AES-GCM, FrameCipher.sealRecord): addresses,
// ORCPT, ENVID, purpose and header edits are unreadable without the key, and
// go with it when the message is crypto-shredded.
// Layout v2: [version][size][frame count][first index][delta varints...][sealed envelope].
// Version 1 rows (written before envelopes were sealed) hold the envelope in clear
// and are still read, so a spool from an older release drains.
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.mailward.api.Envelope;
import org.mailward.queue.crypto.FrameCipher;

/** @param envelope the sealed envelope (v2), or the clear encoding of a v1 row ({@code sealed == false}) */
record MessageRecord(long size, long[] frames, byte[] envelope, boolean sealed) {
  private static final byte CLEAR = 1;
  private static final byte SEALED = 2;

  static MessageRecord sealed(long size, long[] frames, byte[] sealedEnvelope) {
    return new MessageRecord(size, frames, sealedEnvelope, true);
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8 + frames.length * 10 + envelope.length);
    b.put(sealed ? SEALED : CLEAR).putLong(size).putInt(frames.length);
    if (frames.length > 0) {
      b.putLong(frames[0]);
      for (int i = 1; i < frames.length; i++) {
        putVarLong(b, frames[i] - frames[i - 1]);
      }
    }
    b.put(envelope);
    return Arrays.copyOf(b.array(), b.position());
  }

  static MessageRecord decode(byte[] row) {
    ByteBuffer b = ByteBuffer.wrap(row);
    byte version = b.get();
    if (version != CLEAR && version != SEALED) {
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
    return new MessageRecord(size, frames, Arrays.copyOfRange(row, b.position(), row.length), version == SEALED);
  }

  /** The envelope, opened with the message's cipher; a tampered or misplaced row fails. */
  Envelope envelope(FrameCipher cipher) {
    if (!sealed) {
      return EnvelopeCodec.decode(envelope, 0);
    }
    try {
      return EnvelopeCodec.decode(cipher.openRecord(envelope), 0);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("envelope does not authenticate under its data key", e);
    }
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
