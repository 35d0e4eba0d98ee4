package org.mailward.policy;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixed-size byte blocks for {@link BoundedBodyBuffer}, reused from message to message: a body is
 * copied into blocks taken here on the event loop and the blocks come back when its check ends.
 * At most {@code keep} idle blocks are held; beyond that a returned block is dropped for the
 * garbage collector, and an empty pool allocates. Lock-free, so an event loop never waits on it.
 * A block must be given back at most once, and only after its last use: the pool cannot tell.
 */
final class BlockPool {
  static final int BLOCK_BYTES = 64 << 10;

  private final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private final int keep;

  /** {@code keep}: the most idle blocks held (0 for none: every block is allocated and dropped). */
  BlockPool(int keep) {
    if (keep < 0) {
      throw new IllegalArgumentException("keep must be >= 0");
    }
    this.keep = keep;
  }

  /** A block of {@link #BLOCK_BYTES} with undefined content, now the caller's alone. */
  byte[] take() {
    byte[] block = idle.poll();
    if (block == null) {
      return new byte[BLOCK_BYTES];
    }
    idleCount.decrementAndGet();
    return block;
  }

  /** Returns a block from {@link #take}, whose holder will not touch it again. */
  void give(byte[] block) {
    if (block.length != BLOCK_BYTES) {
      throw new IllegalArgumentException("not a pool block");
    }
    if (idleCount.incrementAndGet() <= keep) {
      idle.offer(block);
    } else {
      idleCount.decrementAndGet();
    }
  }

  /** Idle blocks held now (tests). */
  int idle() {
    return idleCount.get();
  }
}
