// A message being received: its id and wrapped data key (set by the session's
// thread at begin), and the Chronicle indexes of its frames and the cycles they
// fall in (touched only by the writer thread).
package org.mailward.queue.spool;

import java.util.Arrays;
import org.mailward.api.MessageId;

final class PendingMessage {
  final MessageId id;
  final byte[] storedKey;
  // writer thread only:
  long[] frames = new long[4];
  int frameCount;
  int firstCycle = -1;
  int lastCycle = -1;
  boolean failed;

  PendingMessage(MessageId id, byte[] storedKey) {
    this.id = id;
    this.storedKey = storedKey;
  }

  void addFrame(long index) {
    if (frameCount == frames.length) {
      frames = Arrays.copyOf(frames, frameCount * 2);
    }
    frames[frameCount++] = index;
  }

  long[] frames() {
    return Arrays.copyOf(frames, frameCount);
  }
}
