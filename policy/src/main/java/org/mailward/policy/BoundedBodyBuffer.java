package org.mailward.policy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.mailward.api.ByteArrayPool;

/**
 * Copies of body chunks as they stream past on the event loop, up to a byte budget; beyond it the
 * rest is counted but not kept (and the scan is marked truncated). Chunks are appended into 64 KB
 * blocks from a {@link ByteArrayPool} (not one array per chunk), which {@link #release} hands back
 * once the body has been read. Copying is all {@link #add} does, so it never blocks. Not
 * thread-safe: fed by one event loop, read after {@code finish} (the executor hand-off orders
 * the two), released by whoever read it last.
 */
final class BoundedBodyBuffer {
  /** Bytes per pooled block. */
  static final int BLOCK_BYTES = 64 << 10;

  private final int limit;
  private final ByteArrayPool pool;
  private final List<byte[]> blocks = new ArrayList<>();
  /** Bytes used in the last block (every earlier block is full). */
  private int fill;
  private long kept;
  private boolean truncated;

  /** A buffer whose blocks are allocated and dropped (no pool to return them to). */
  BoundedBodyBuffer(int limit) {
    this(limit, new ByteArrayPool(BLOCK_BYTES, 0));
  }

  BoundedBodyBuffer(int limit, ByteArrayPool pool) {
    this.limit = limit;
    this.pool = pool;
  }

  void add(ByteBuffer chunk) {
    int room = (int) Math.min(chunk.remaining(), limit - kept);
    if (room < chunk.remaining()) {
      truncated = true;
    }
    if (room <= 0) {
      return;
    }
    ByteBuffer from = chunk.duplicate();
    int left = room;
    while (left > 0) {
      if (blocks.isEmpty() || fill == BLOCK_BYTES) {
        blocks.add(pool.take());
        fill = 0;
      }
      int n = Math.min(left, BLOCK_BYTES - fill);
      from.get(blocks.get(blocks.size() - 1), fill, n);
      fill += n;
      left -= n;
    }
    kept += room;
  }

  boolean truncated() {
    return truncated;
  }

  /** The kept bytes, read in place; {@code available()} is all that is left (a size hint for the reader). */
  InputStream stream() {
    return new BlockStream();
  }

  /**
   * Gives the blocks back to the pool and forgets the kept bytes. Call it once nothing reads the
   * buffer any more (a stream from {@link #stream} is then spent); calling it again does nothing.
   */
  void release() {
    for (byte[] block : blocks) {
      pool.give(block);
    }
    blocks.clear();
    fill = 0;
    kept = 0;
  }

  private final class BlockStream extends InputStream {
    private int block;
    private int offset;
    private long left = kept;

    @Override
    public int read() {
      if (!skipSpentBlocks()) {
        return -1;
      }
      left--;
      return blocks.get(block)[offset++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!skipSpentBlocks()) {
        return -1;
      }
      int n = Math.min(len, used(block) - offset);
      System.arraycopy(blocks.get(block), offset, into, off, n);
      offset += n;
      left -= n;
      return n;
    }

    /** Moves past fully read blocks; false at the end. */
    private boolean skipSpentBlocks() {
      while (block < blocks.size() && offset == used(block)) {
        block++;
        offset = 0;
      }
      return block < blocks.size() && left > 0;
    }

    /** Bytes of block {@code b} that hold body (the rest of a reused block is stale). */
    private int used(int b) {
      return b == blocks.size() - 1 ? fill : BLOCK_BYTES;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, left);
    }
  }
}
