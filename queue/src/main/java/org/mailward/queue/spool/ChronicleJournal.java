// One append-only Chronicle Queue (the body journal or the audit journal) with
// the durability Mailward needs. append() runs on the writer thread; seal()
// (writer thread) marks what has been appended so far and returns a SyncPoint;
// force(SyncPoint) (the syncer thread, possibly while the writer appends more)
// makes everything up to that point durable: fdatasync of each cycle file
// appended to since the previous seal, plus the directory when a cycle file was
// created. Chronicle's own msync reports failures only to its log, so we sync
// the files ourselves and get an IOException when the disk fails.
// Does not: decide what is in a record, or when a cycle may be deleted.
package org.mailward.queue.spool;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

public final class ChronicleJournal implements AutoCloseable {
  private final Path directory;
  private final SingleChronicleQueue queue;
  private final boolean fsync;
  private ExcerptAppender appender;
  // writer thread only:
  private final Set<File> touched = new LinkedHashSet<>();
  private File currentFile;
  private boolean directoryDirty;
  private boolean dirty;
  // writer thread only: a direct staging buffer for bulk writes (see writeBulk)
  private ByteBuffer staging;
  private BytesStore<?, ByteBuffer> stagingStore;
  // any thread: tailers for body reads, idle ones pooled (see borrowTailer)
  private static final int MAX_IDLE_TAILERS = 64;
  private final java.util.concurrent.ConcurrentLinkedDeque<ExcerptTailer> idleTailers =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final java.util.concurrent.atomic.AtomicInteger idleCount = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong tailersCreated = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closed;
  private PageToucher toucher; // set before the first append, closed with the journal
  // writer thread only: the region ahead of the appender made sure of on disk (see reserveAhead)
  private long reserveBytes;
  private File reservedFile;
  private FileChannel reservedChannel;
  private long appendedTo;
  private long reservedTo;
  private int appendedCycle = Integer.MIN_VALUE;
  // syncer thread only (one force at a time):
  private File syncedFile;
  private FileChannel syncedChannel;

  /** What one force must make durable: the cycle files appended to, and whether a file was created. */
  public record SyncPoint(List<File> files, File current, boolean directory) {}

  public ChronicleJournal(Path directory, RollCycle rollCycle, Clock clock, boolean fsync) {
    this.directory = directory;
    this.fsync = fsync;
    this.queue = SingleChronicleQueueBuilder.binary(directory)
        .rollCycle(rollCycle)
        .timeProvider(clock::millis)
        .checkInterrupts(false)
        .build();
  }

  /**
   * Keeps the page cache populated ahead of the appender (see PageToucher): for
   * the body journal, whose appends are the bulk of what the spool writes. Call
   * before the first append.
   */
  public void touchPagesAhead() {
    if (toucher == null) {
      toucher = new PageToucher("mailward-toucher-" + directory.getFileName());
    }
  }

  /**
   * Before each append, makes sure the file system has given the cycle file its
   * pages for the next {@code bytes} past the last append, by rewriting what is
   * there (zeros of a hole) with pwrite, ahead of Chronicle's writes through its
   * mapping. Why: a mapped write into a hole the file system cannot fill (disk or
   * tmpfs full) is a SIGBUS, which the JVM turns into an InternalError raised at
   * some later point of the writer thread (seen: in an unrelated allocation), and
   * the writer thread dies; pwrite fails instead with an IOException (ENOSPC) before
   * anything is appended, so the append fails cleanly and can be retried. For the
   * audit journal, whose records are far smaller than {@code bytes}. Call before the
   * first append. Chronicle writes the header and first index of a new cycle file
   * itself (the first append of the process or of a new cycle): that append is
   * refused unless the file system has {@code 4 * bytes} usable, a guess at what
   * Chronicle needs, not a guarantee.
   */
  public void reserveAhead(long bytes) {
    this.reserveBytes = bytes;
  }

  private void reserve() {
    File f = appender.currentFile();
    if (f == null || (f.equals(reservedFile) && appendedTo + reserveBytes / 2 <= reservedTo)) {
      return;
    }
    try {
      if (!f.equals(reservedFile)) {
        closeReserved();
        reservedChannel = FileChannel.open(f.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        reservedFile = f;
        reservedTo = 0;
      }
      long from = Math.max(appendedTo, reservedTo);
      long to = appendedTo + reserveBytes;
      ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
      while (buf.hasRemaining() && reservedChannel.read(buf, from + buf.position()) >= 0) {
        // reads what is there: zeros in a hole, and never past Chronicle's sparse file length
      }
      buf.flip();
      while (buf.hasRemaining()) {
        reservedChannel.write(buf, from + buf.position());
      }
      reservedTo = to;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("no room for the journal in " + directory, e);
    }
  }

  private void ensureRoomForCycle() {
    try {
      long usable = java.nio.file.Files.getFileStore(directory).getUsableSpace();
      if (usable < 4 * reserveBytes) {
        throw new IOException("only " + usable + " bytes usable, too few to start a cycle file");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("no room for the journal in " + directory, e);
    }
  }

  private void closeReserved() {
    if (reservedChannel != null) {
      try {
        reservedChannel.close();
      } catch (IOException ignored) {
        // read-and-rewrite channel: nothing to flush
      }
      reservedChannel = null;
      reservedFile = null;
    }
  }

  /** Bytes the page toucher has read ahead (0 without one; tests). */
  long pagesTouchedBytes() {
    return toucher == null ? 0 : toucher.touchedBytes();
  }

  /** Appends one excerpt; returns its index. Writer thread only. */
  public long append(Consumer<Bytes<?>> writer) {
    if (appender == null) {
      appender = queue.createAppender();
    }
    if (reserveBytes > 0 && (appendedTo == 0 || appendedCycle != queue.cycle())) {
      ensureRoomForCycle();
    } else if (reserveBytes > 0) {
      reserve();
    }
    long end;
    try (DocumentContext dc = appender.writingDocument()) {
      Bytes<?> bytes = dc.wire().bytes();
      try {
        writer.accept(bytes);
      } catch (RuntimeException e) {
        dc.rollbackOnClose(); // an excerpt the caller could not finish is not appended
        throw e;
      }
      end = bytes.writePosition();
    } catch (InternalError fault) {
      // The JVM's report of a SIGBUS on the mapping: the file system could not give Chronicle a
      // page (disk or tmpfs full), here where no reservation covers it (a cycle file's header and
      // index, or a file system that filled between the room check and the write). The appender's
      // state is unknown: drop it, so the next append starts from the room check with a fresh one.
      discardAppender();
      throw new java.io.UncheckedIOException("no room for the journal in " + directory,
          new IOException("a page of the journal's mapping could not be provided (disk full?)", fault));
    }
    appendedTo = end;
    appendedCycle = appender.cycle();
    File f = appender.currentFile();
    if (toucher != null && f != null) {
      toucher.appended(f, end);
    }
    if (f != null && !f.equals(currentFile)) {
      currentFile = f;
      directoryDirty = true;
      touched.add(f);
    } else if (!dirty && f != null) {
      touched.add(f);
    }
    dirty = true;
    return appender.lastIndexAppended();
  }

  /** Forgets the appender after a fault; releases Chronicle's write lock if the fault left it held. */
  private void discardAppender() {
    ExcerptAppender a = appender;
    appender = null;
    appendedTo = 0;
    appendedCycle = Integer.MIN_VALUE;
    closeReserved();
    try {
      a.singleThreadedCheckDisabled(true);
      a.close();
    } catch (RuntimeException | InternalError ignored) {
      // closing an appender whose mapping faulted: nothing more to save
    }
    // Chronicle releases its write lock when an append fails with a RuntimeException, not with the
    // fault's InternalError; left held, the next append would wait out Chronicle's lock timeout.
    // This process is the journal's only writer, so a held lock is ours.
    try {
      java.lang.reflect.Method m = SingleChronicleQueue.class.getDeclaredMethod("writeLock");
      m.setAccessible(true);
      net.openhft.chronicle.queue.impl.single.WriteLock lock =
          (net.openhft.chronicle.queue.impl.single.WriteLock) m.invoke(queue);
      if (lock.locked()) {
        lock.unlock();
      }
    } catch (ReflectiveOperationException | RuntimeException | InternalError e) {
      org.slf4j.LoggerFactory.getLogger(ChronicleJournal.class)
          .warn("could not release the write lock of {} after a fault; Chronicle will after its timeout", directory, e);
    }
  }

  /**
   * Writes {@code src} into the excerpt being appended by {@code b}. Chronicle
   * copies a heap array into the mapped file 8 bytes at a time in a Java loop
   * (~40% of the spool's CPU for 60 KB messages); staging it in a direct buffer
   * first makes both copies bulk memory moves. Writer thread only.
   */
  public void writeBulk(Bytes<?> b, byte[] src) {
    writeBulk(b, src, src.length);
  }

  /** {@link #writeBulk(Bytes, byte[])} of {@code src[0, len)}. */
  public void writeBulk(Bytes<?> b, byte[] src, int len) {
    if (staging == null || staging.capacity() < len) {
      releaseStaging();
      staging = ByteBuffer.allocateDirect(Math.max(len, 64 * 1024));
      stagingStore = BytesStore.wrap(staging);
    }
    staging.clear();
    staging.put(src, 0, len);
    b.write(stagingStore, 0L, len);
  }

  private void releaseStaging() {
    if (stagingStore != null) {
      stagingStore.releaseLast();
      stagingStore = null;
      staging = null;
    }
  }

  /**
   * Marks everything appended so far; the returned point is made durable by
   * {@link #force(SyncPoint)}. Null when there is nothing to sync (no append since
   * the previous seal, or fsync is off). Writer thread only.
   */
  public SyncPoint seal() {
    if (!fsync || !dirty) {
      return null;
    }
    SyncPoint p = new SyncPoint(List.copyOf(touched), currentFile, directoryDirty);
    touched.clear();
    directoryDirty = false;
    dirty = false;
    return p;
  }

  /** Makes everything appended so far durable. Only when no other thread appends or forces. */
  public void force() throws IOException {
    force(seal());
  }

  /** Makes everything up to {@code point} durable (null: nothing to do). One thread at a time. */
  public void force(SyncPoint point) throws IOException {
    if (point == null) {
      return;
    }
    for (File f : point.files()) {
      if (f.equals(syncedFile)) {
        syncedChannel.force(false);
        continue;
      }
      FileChannel ch;
      try {
        ch = FileChannel.open(f.toPath(), StandardOpenOption.WRITE);
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // reclaimed: no live message had a frame in it
      }
      try {
        ch.force(false);
      } finally {
        if (f.equals(point.current())) {
          closeSynced();
          syncedFile = f;
          syncedChannel = ch;
        } else {
          ch.close();
        }
      }
    }
    if (point.directory()) {
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    }
  }

  private void closeSynced() {
    if (syncedChannel != null) {
      try {
        syncedChannel.close();
      } catch (IOException ignored) {
        // closing a channel we only forced
      }
      syncedChannel = null;
      syncedFile = null;
    }
  }

  /** A new tailer; the caller closes it. Any thread, one thread at a time. */
  public ExcerptTailer tailer() {
    ExcerptTailer t = queue.createTailer();
    t.singleThreadedCheckDisabled(true);
    return t;
  }

  /**
   * A tailer from the idle pool (or a new one) for a random-access read (moveToIndex
   * first); hand it back with {@link #giveBack}. Creating a tailer costs more than
   * reading a 60 KB body's frames (3% of the relay's CPU when each body read made
   * its own), so body reads share a few. Any thread, one thread at a time per tailer.
   */
  public ExcerptTailer borrowTailer() {
    ExcerptTailer t = idleTailers.pollFirst();
    if (t != null) {
      idleCount.decrementAndGet();
      return t;
    }
    tailersCreated.incrementAndGet();
    return tailer();
  }

  /** Tailers {@link #borrowTailer} had to create because none was idle (tests). */
  long tailersCreated() {
    return tailersCreated.get();
  }

  /** Returns a borrowed tailer to the pool, or closes it when the pool is full or the journal closed. */
  public void giveBack(ExcerptTailer t) {
    if (closed || idleCount.incrementAndGet() > MAX_IDLE_TAILERS) {
      if (!closed) {
        idleCount.decrementAndGet();
      }
      t.close();
      return;
    }
    idleTailers.offerFirst(t);
    if (closed) {
      closeIdleTailers(); // the journal closed while this one was being pooled
    }
  }

  /** Closes the idle tailers (before cycle files are deleted, so none keeps a deleted file mapped). */
  public void closeIdleTailers() {
    for (ExcerptTailer t = idleTailers.pollFirst(); t != null; t = idleTailers.pollFirst()) {
      idleCount.decrementAndGet();
      t.close();
    }
  }

  public RollCycle rollCycle() {
    return queue.rollCycle();
  }

  /** The cycle the clock is in now. */
  public int currentCycle() {
    return queue.cycle();
  }

  /** The cycle of the last append, if any. Writer thread only. */
  public java.util.OptionalInt lastAppendedCycle() {
    return appender == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(appender.cycle());
  }

  public int cycleOf(long index) {
    return queue.rollCycle().toCycle(index);
  }

  /** The file that holds {@code cycle} (it may not exist). */
  public File fileFor(int cycle) {
    RollCycle rc = queue.rollCycle();
    String name = DateTimeFormatter.ofPattern(rc.format()).withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli((long) cycle * rc.lengthInMillis()));
    return directory.resolve(name + SingleChronicleQueue.SUFFIX).toFile();
  }

  /** The cycle a file name stands for, or -1 when it is not a cycle file of this roll cycle. */
  public int cycleOfFile(String fileName) {
    if (!fileName.endsWith(SingleChronicleQueue.SUFFIX)) {
      return -1;
    }
    String stem = fileName.substring(0, fileName.length() - SingleChronicleQueue.SUFFIX.length());
    RollCycle rc = queue.rollCycle();
    DateTimeFormatter f = DateTimeFormatter.ofPattern(rc.format());
    long millis;
    try {
      millis = java.time.LocalDateTime.parse(stem, f).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      try {
        millis = java.time.LocalDate.parse(stem, f).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (java.time.format.DateTimeParseException e2) {
        return -1;
      }
    }
    return (int) (millis / rc.lengthInMillis());
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    closed = true;
    if (toucher != null) {
      toucher.close();
    }
    closeIdleTailers();
    closeSynced();
    closeReserved();
    releaseStaging();
    if (appender != null) {
      appender.singleThreadedCheckDisabled(true);
      appender.close();
    }
    queue.close();
  }
}
