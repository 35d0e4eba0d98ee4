package org.mailward.api;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte arrays of one exact size for reuse on hot paths (spool frames, policy body
 * blocks): per-message arrays of tens of KB were most of the relay's allocation in
 * the load bench, and the young-GC pauses they caused showed in the latency tail.
 * Bounded: beyond {@code maxIdle} idle arrays a returned one is left to the GC, and
 * an empty pool allocates. An array must be given back at most once, and only by
 * its last holder after its last use: the pool cannot tell. Arrays of another size
 * are ignored. Lock-free (any thread, event loops included); most recently returned
 * first, so a hot array is reused while it is still in cache.
 */
public final class ByteArrayPool {
  private final int size;
  private final int maxIdle;
  private final ConcurrentLinkedDeque<byte[]> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();

  public ByteArrayPool(int size, int maxIdle) {
    if (size <= 0 || maxIdle < 0) {
      throw new IllegalArgumentException("size must be > 0 and maxIdle >= 0");
    }
    this.size = size;
    this.maxIdle = maxIdle;
  }

  public int size() {
    return size;
  }

  /** An array of {@link #size()} bytes with undefined content, now the caller's alone. */
  public byte[] take() {
    byte[] b = idle.pollFirst();
    if (b == null) {
      return new byte[size];
    }
    idleCount.decrementAndGet();
    return b;
  }

  /** Hands an array back; {@code null} and arrays of another size are ignored. */
  public void give(byte[] b) {
    if (b == null || b.length != size) {
      return;
    }
    if (idleCount.incrementAndGet() > maxIdle) {
      idleCount.decrementAndGet();
      return;
    }
    idle.offerFirst(b);
  }

  /** Idle arrays held now. */
  public int idle() {
    return idleCount.get();
  }
}
