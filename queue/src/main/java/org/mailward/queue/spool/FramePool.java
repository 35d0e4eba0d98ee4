// Frame-sized byte arrays for reuse: the plaintext frame a session fills, the
// sealed frame handed to the writer thread, the buffers a body reader decrypts
// through. Without it every 60 KB message allocated ~250 KB of frame arrays on
// the way in and out (a quarter of the relay's allocation in the P1 load bench,
// and young-GC pauses are the p99 latency tail). Bounded: beyond MAX_IDLE idle
// arrays a returned one is left to the GC. An array is given back exactly once,
// by whoever holds it last; arrays of another size are never pooled.
// Any thread; lock-free.
package org.mailward.queue.spool;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

final class FramePool {
  private static final int MAX_IDLE = 256;
  private final int size;
  private final ConcurrentLinkedDeque<byte[]> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();

  /** A pool of arrays of exactly {@code size} bytes. */
  FramePool(int size) {
    this.size = size;
  }

  int size() {
    return size;
  }

  byte[] take() {
    byte[] b = idle.pollFirst();
    if (b == null) {
      return new byte[size];
    }
    idleCount.decrementAndGet();
    return b;
  }

  void give(byte[] b) {
    if (b == null || b.length != size) {
      return;
    }
    if (idleCount.incrementAndGet() > MAX_IDLE) {
      idleCount.decrementAndGet();
      return;
    }
    idle.offerFirst(b);
  }
}
