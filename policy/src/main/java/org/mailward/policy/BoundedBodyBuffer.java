package org.mailward.policy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies of body chunks as they stream past on the event loop, up to a byte budget; beyond it the
 * rest is counted but not kept (and the scan is marked truncated). Copying is all {@link #add}
 * does, so it never blocks. Not thread-safe: fed by one event loop, read after {@code finish}.
 */
final class BoundedBodyBuffer {
  private final int limit;
  private final List<byte[]> chunks = new ArrayList<>();
  private long kept;
  private boolean truncated;

  BoundedBodyBuffer(int limit) {
    this.limit = limit;
  }

  void add(ByteBuffer chunk) {
    int room = (int) Math.min(chunk.remaining(), limit - kept);
    if (room < chunk.remaining()) {
      truncated = true;
    }
    if (room > 0) {
      byte[] copy = new byte[room];
      chunk.duplicate().get(copy);
      chunks.add(copy);
      kept += room;
    }
  }

  boolean truncated() {
    return truncated;
  }

  /** The kept bytes, read in place; {@code available()} is all that is left (a size hint for the reader). */
  InputStream stream() {
    return new ChunkStream();
  }

  void clear() {
    chunks.clear();
    kept = 0;
  }

  private final class ChunkStream extends InputStream {
    private int chunk;
    private int offset;
    private long left = kept;

    @Override
    public int read() {
      if (!skipSpentChunks()) {
        return -1;
      }
      left--;
      return chunks.get(chunk)[offset++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!skipSpentChunks()) {
        return -1;
      }
      byte[] c = chunks.get(chunk);
      int n = Math.min(len, c.length - offset);
      System.arraycopy(c, offset, into, off, n);
      offset += n;
      left -= n;
      return n;
    }

    /** Moves past fully read (or empty) chunks; false at the end. */
    private boolean skipSpentChunks() {
      while (chunk < chunks.size() && offset == chunks.get(chunk).length) {
        chunk++;
        offset = 0;
      }
      return chunk < chunks.size();
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, left);
    }
  }
}
