// Keeps the page cache populated ahead of a journal's appender by reading (never
// writing) the not-yet-written region of the current cycle file.
//
// Why: Chronicle appends through a shared mapping of a sparse file. On this VM a
// write fault into a hole stalls ~18 ms about every 10 MB (measured without
// Mailward: python mmap writes of 60 KB into a sparse file, p99 0.4 ms but
// max 23 ms, one stall every ~140 ms; with the pages read first, no stall over
// 5 ms in 10,000 writes, whether read through another mapping or with pread).
// In the P1 load bench those stalls held the writer thread, and with it every
// session's commit: they were the p99 of DATA-end -> 250 (~21 ms), not fsync.
// A read of a hole puts a zero page in the page cache; Chronicle's later write
// fault then only marks it dirty. Reading cannot change the file, so this runs
// on its own thread with no coordination beyond the appender's position.
package org.mailward.queue.spool;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

final class PageToucher implements AutoCloseable {
  /** How far ahead of the last append the page cache is kept populated. */
  static final long AHEAD_BYTES = 32L << 20;
  private static final int STEP = 1 << 20;
  /** Between rounds; 32 MB ahead lasts ~300 ms even at 110 MB/s of appends, and an idle relay wakes it 100 times a second. */
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Thread thread;
  private volatile File file;
  private volatile long position;
  private volatile boolean closed;
  private volatile long touchedBytes;

  PageToucher(String name) {
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The appender wrote up to {@code endPosition} of {@code cycleFile}. Writer thread. */
  void appended(File cycleFile, long endPosition) {
    if (!cycleFile.equals(file)) {
      file = cycleFile;
    }
    position = endPosition;
  }

  /** Bytes read ahead so far (tests). */
  long touchedBytes() {
    return touchedBytes;
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(STEP);
    File current = null;
    FileChannel channel = null;
    long touched = 0;
    while (!closed) {
      File f = file;
      if (f != null && !f.equals(current)) {
        closeQuietly(channel);
        channel = null;
        current = f;
        touched = position;
        try {
          channel = FileChannel.open(f.toPath(), StandardOpenOption.READ);
        } catch (IOException e) {
          current = null; // rolled or reclaimed meanwhile: take the next file
        }
      }
      if (channel != null) {
        long target = position + AHEAD_BYTES;
        try {
          touched = Math.max(touched, position);
          while (touched < target && !closed && current.equals(file)) {
            buf.clear();
            int n = channel.read(buf, touched);
            if (n <= 0) {
              break; // beyond the file's current size: Chronicle extends it chunk by chunk
            }
            touched += n;
            touchedBytes += n;
          }
        } catch (IOException e) {
          closeQuietly(channel);
          channel = null;
          current = null;
        }
      }
      LockSupport.parkNanos(this, PAUSE_NANOS);
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // a read-only channel
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
