package org.mailward.policy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
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

  InputStream stream() {
    List<InputStream> streams = new ArrayList<>(chunks.size());
    for (byte[] c : chunks) {
      streams.add(new ByteArrayInputStream(c));
    }
    return new SequenceInputStream(Collections.enumeration(streams));
  }

  void clear() {
    chunks.clear();
    kept = 0;
  }
}
