// One append-only Chronicle Queue (the body journal or the audit journal) with
// the durability Mailward needs: append() on the writer thread, force() makes
// every byte appended so far durable (fdatasync of each cycle file touched since
// the last force, plus the directory when a cycle file was created). Chronicle's
// own msync reports failures only to its log, so we sync the files ourselves and
// get an IOException when the disk fails.
// Does not: decide what is in a record, or when a cycle may be deleted.
package org.mailward.queue.spool;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
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
  private final Map<File, FileChannel> touched = new HashMap<>();
  private File currentFile;
  private boolean directoryDirty;
  private boolean dirty;

  public ChronicleJournal(Path directory, RollCycle rollCycle, Clock clock, boolean fsync) {
    this.directory = directory;
    this.fsync = fsync;
    this.queue = SingleChronicleQueueBuilder.binary(directory)
        .rollCycle(rollCycle)
        .timeProvider(clock::millis)
        .checkInterrupts(false)
        .build();
  }

  /** Appends one excerpt; returns its index. Writer thread only. */
  public long append(Consumer<Bytes<?>> writer) {
    if (appender == null) {
      appender = queue.createAppender();
    }
    try (DocumentContext dc = appender.writingDocument()) {
      writer.accept(dc.wire().bytes());
    }
    dirty = true;
    File f = appender.currentFile();
    if (f != null && !f.equals(currentFile)) {
      currentFile = f;
      directoryDirty = true;
      touched.putIfAbsent(f, null);
    }
    return appender.lastIndexAppended();
  }

  /** Makes everything appended so far durable. Writer thread only. */
  public void force() throws IOException {
    if (!fsync || !dirty) {
      return; // nothing appended since the last force (e.g. a settle-only group)
    }
    var it = touched.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      FileChannel ch = e.getValue();
      if (ch == null) {
        ch = FileChannel.open(e.getKey().toPath(), StandardOpenOption.WRITE);
      }
      ch.force(false);
      if (e.getKey().equals(currentFile)) {
        e.setValue(ch);
      } else {
        ch.close();
        it.remove();
      }
    }
    if (directoryDirty) {
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
      directoryDirty = false;
    }
    dirty = false;
  }

  /** A new tailer; the caller closes it. Any thread, one thread at a time. */
  public ExcerptTailer tailer() {
    ExcerptTailer t = queue.createTailer();
    t.singleThreadedCheckDisabled(true);
    return t;
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
    for (FileChannel ch : touched.values()) {
      try {
        if (ch != null) {
          ch.close();
        }
      } catch (IOException ignored) {
        // closing a channel we only forced
      }
    }
    if (appender != null) {
      appender.singleThreadedCheckDisabled(true);
      appender.close();
    }
    queue.close();
  }
}
