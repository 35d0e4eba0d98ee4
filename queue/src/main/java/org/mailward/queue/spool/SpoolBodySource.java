// A spooled body, decrypted on the fly: each open() borrows a Chronicle tailer
// from the journal's pool that jumps straight to the message's frames (their indexes come from
// the message row) and opens them one at a time; at most one frame is in heap.
// A frame that fails authentication, is out of place or missing, or a body
// whose last frame is not flagged last, ends the stream with an IOException.
package org.mailward.queue.spool;

import java.io.IOException;
import java.io.InputStream;
import javax.crypto.AEADBadTagException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.mailward.api.BodySource;
import org.mailward.api.ByteArrayPool;
import org.mailward.api.MessageId;
import org.mailward.queue.crypto.DataKey;
import org.mailward.queue.crypto.FrameCipher;

final class SpoolBodySource implements BodySource {
  private final ChronicleJournal journal;
  private final MessageId id;
  private final DataKey key;
  private final long[] frames;
  private final long size;
  private final ByteArrayPool plainPool;
  private final ByteArrayPool sealedPool;

  SpoolBodySource(ChronicleJournal journal, MessageId id, DataKey key, long[] frames, long size, ByteArrayPool plainPool,
      ByteArrayPool sealedPool) {
    this.journal = journal;
    this.id = id;
    this.key = key;
    this.frames = frames;
    this.size = size;
    this.plainPool = plainPool;
    this.sealedPool = sealedPool;
  }

  @Override
  public InputStream open() {
    return new FrameStream();
  }

  @Override
  public long size() {
    return size;
  }

  private final class FrameStream extends InputStream {
    private final ExcerptTailer tailer = journal.borrowTailer();
    private final FrameCipher cipher = new FrameCipher(key, id);
    private byte[] plain = plainPool.take();
    private byte[] sealed = sealedPool.take();
    private int plainLen;
    private int pos;
    private int next;
    private boolean closed;

    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      return plain[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, plainLen - pos);
      System.arraycopy(plain, pos, b, off, n);
      pos += n;
      return n;
    }

    private boolean fill() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      while (pos == plainLen) {
        if (next == frames.length) {
          return false;
        }
        plainLen = readFrame(next);
        pos = 0;
        next++;
      }
      return true;
    }

    /** Opens frame {@code i} into {@code plain}; returns its plaintext length. */
    private int readFrame(int i) throws IOException {
      boolean last = i == frames.length - 1;
      if (!tailer.moveToIndex(frames[i])) {
        throw new IOException("body frame " + i + " of " + id + " is missing from the journal");
      }
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          throw new IOException("body frame " + i + " of " + id + " is missing from the journal");
        }
        Bytes<?> b = dc.wire().bytes();
        MessageId stored = new MessageId(b.readLong(), b.readLong());
        long index = b.readLong();
        boolean storedLast = b.readBoolean();
        if (!stored.equals(id) || index != i || storedLast != last) {
          throw new IOException("body frame " + i + " of " + id + " is out of place");
        }
        int n = (int) b.readRemaining();
        if (n > sealed.length) {
          sealed = new byte[n]; // written with a larger spool.frameBytes before a restart
        }
        if (n - FrameCipher.TAG_BYTES > plain.length) {
          plain = new byte[n - FrameCipher.TAG_BYTES];
        }
        b.read(sealed, 0, n);
        return cipher.open(sealed, n, plain, i, last);
      } catch (AEADBadTagException e) {
        throw new IOException("body frame " + i + " of " + id + " failed authentication", e);
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        journal.giveBack(tailer);
        plainPool.give(plain); // arrays of another size (a larger frame) are not pooled
        sealedPool.give(sealed);
        plain = null;
        sealed = null;
      }
    }
  }
}
