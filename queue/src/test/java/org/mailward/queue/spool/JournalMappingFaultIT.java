package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.ManualClock;
import org.mailward.testkit.SmallTmpfs;
import org.mailward.testkit.TmpfsMounts;

/**
 * A journal on a small tmpfs (root only; skipped where mounting is not permitted) whose first
 * append finds room for the room check but not for the cycle file Chronicle then lays out (its
 * header and index arrays): Chronicle's write through the mapping faults (SIGBUS), which the JVM
 * raises as an {@code InternalError}. The append must fail as an ordinary "no room" error — not
 * kill the calling thread with an Error, not leave Chronicle's write lock held — and once there is
 * room the same journal appends and reads again.
 */
class JournalMappingFaultIT {
  @TempDir Path dir;
  @RegisterExtension final TmpfsMounts mounts = new TmpfsMounts();
  SmallTmpfs tmpfs;

  @Test
  void aFaultOnTheMapping_failsTheAppendAsNoRoom_andTheJournalAppendsAgainOnceThereIsRoom() throws Exception {
    Path journalDir = Files.createDirectories(dir.resolve("audit"));
    tmpfs = mounts.mount(journalDir, "1m");
    ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    try (ChronicleJournal journal = new ChronicleJournal(journalDir, RollCycles.FAST_DAILY, clock, true)) {
      journal.reserveAhead(1024); // the room check asks for 4 KiB; a new cycle file needs more
      Path filler = tmpfs.fill();
      try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
        f.setLength(f.length() - 8 * 1024); // 8 KiB free: passes the check, too little for the cycle file
      }

      assertThatThrownBy(() -> journal.append(b -> b.writeLong(42)))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("no room for the journal");

      Files.delete(filler);
      long index = journal.append(b -> b.writeLong(43));
      journal.force();
      ExcerptTailer t = journal.tailer();
      t.moveToIndex(index);
      try (DocumentContext dc = t.readingDocument()) {
        assertThat(dc.isPresent()).isTrue();
        assertThat(dc.wire().bytes().readLong()).isEqualTo(43);
      }
      t.close();
    }
  }
}
