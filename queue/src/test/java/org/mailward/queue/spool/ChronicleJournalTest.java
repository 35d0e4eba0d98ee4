package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.ManualClock;

class ChronicleJournalTest {
  @TempDir Path dir;

  @Test
  void bodyReadsOneAfterAnother_reuseOnePooledTailer_longAfterTheFirstSixtyFour() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_HOURLY, clock, false)) {
      long index = journal.append(b -> b.writeLong(7));
      for (int i = 0; i < 1_000; i++) {
        ExcerptTailer t = journal.borrowTailer();
        assertThat(t.moveToIndex(index)).isTrue();
        try (DocumentContext dc = t.readingDocument()) {
          assertThat(dc.wire().bytes().readLong()).isEqualTo(7);
        }
        journal.giveBack(t);
      }
      assertThat(journal.tailersCreated()).as("tailers created for 1,000 sequential reads").isEqualTo(1);
    }
  }

  @Test
  void concurrentReads_poolAtMostSixtyFourIdleTailers_andReuseThem() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_HOURLY, clock, false)) {
      journal.append(b -> b.writeLong(7));
      for (int round = 0; round < 3; round++) {
        ExcerptTailer[] open = new ExcerptTailer[100];
        for (int i = 0; i < open.length; i++) {
          open[i] = journal.borrowTailer();
        }
        for (ExcerptTailer t : open) {
          journal.giveBack(t);
        }
      }
      // round 1 creates 100 and keeps 64; rounds 2 and 3 reuse those 64 and create 36 each
      assertThat(journal.tailersCreated()).isEqualTo(100 + 36 + 36);
    }
  }
}
