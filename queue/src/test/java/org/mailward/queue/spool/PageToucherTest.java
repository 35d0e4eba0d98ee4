package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The body journal's page toucher reads ahead of the appender and never changes what was appended. */
class PageToucherTest {
  @TempDir Path dir;

  @Test
  void readsAheadOfTheAppender_andEveryAppendedFrameReadsBackByteExact() throws Exception {
    Random random = new Random(42);
    List<byte[]> frames = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    try (ChronicleJournal journal = new ChronicleJournal(dir, RollCycles.FAST_HOURLY, Clock.systemUTC(), true)) {
      journal.touchPagesAhead();
      for (int i = 0; i < 300; i++) {
        byte[] frame = new byte[1000 + random.nextInt(60_000)];
        random.nextBytes(frame);
        frames.add(frame);
        indexes.add(journal.append(b -> {
          b.writeInt(frame.length);
          journal.writeBulk(b, frame);
        }));
        if (i % 10 == 0) {
          journal.force();
        }
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (journal.pagesTouchedBytes() < PageToucher.AHEAD_BYTES && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(journal.pagesTouchedBytes()).as("read ahead of the last append").isGreaterThanOrEqualTo(PageToucher.AHEAD_BYTES);
      Thread.sleep(100); // ten rounds with nothing appended
      long written = frames.stream().mapToLong(f -> f.length).sum();
      assertThat(journal.pagesTouchedBytes()).as("each page read about once, not again every round")
          .isLessThanOrEqualTo(written + PageToucher.AHEAD_BYTES + (1 << 20));
      journal.force();
      try (ExcerptTailer tailer = journal.tailer()) {
        for (int i = 0; i < frames.size(); i++) {
          assertThat(tailer.moveToIndex(indexes.get(i))).isTrue();
          try (DocumentContext dc = tailer.readingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            byte[] back = new byte[b.readInt()];
            b.read(back);
            assertThat(back).as("frame %d", i).isEqualTo(frames.get(i));
          }
        }
      }
    }
  }
}
