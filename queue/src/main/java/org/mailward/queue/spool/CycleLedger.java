// Live-message counts per body-journal cycle, and the deletion of cycle files
// no unfinished message uses any more. A message counts in every cycle from its
// first frame's to its last frame's. add/reclaim run on the writer thread;
// remove also runs on the syncer thread (a finished message, once durable), so
// the counts live in a ConcurrentHashMap updated atomically per cycle.
package org.mailward.queue.spool;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class CycleLedger {
  private static final Logger LOG = LoggerFactory.getLogger(CycleLedger.class);
  private final Map<Integer, Integer> live = new ConcurrentHashMap<>();
  private final ChronicleJournal journal;

  CycleLedger(ChronicleJournal journal) {
    this.journal = journal;
  }

  void add(int first, int last) {
    for (int c = first; c <= last && first >= 0; c++) {
      live.merge(c, 1, Integer::sum);
    }
  }

  void remove(int first, int last) {
    for (int c = first; c <= last && first >= 0; c++) {
      live.computeIfPresent(c, (k, v) -> v <= 1 ? null : v - 1);
    }
  }

  int live(int cycle) {
    return live.getOrDefault(cycle, 0);
  }

  /** Deletes cycle files older than {@code protectFrom} that no live message uses; returns how many. */
  int reclaim(int protectFrom) {
    File[] files = journal.directory().toFile().listFiles((d, n) -> n.endsWith(".cq4"));
    if (files == null) {
      return 0;
    }
    int deleted = 0;
    boolean idleClosed = false;
    for (File f : files) {
      int cycle = journal.cycleOfFile(f.getName());
      if (cycle < 0 || cycle >= protectFrom || live(cycle) != 0) {
        continue;
      }
      if (!idleClosed) {
        journal.closeIdleTailers(); // an idle tailer may still map the file
        idleClosed = true;
      }
      if (f.delete()) {
        deleted++;
        LOG.info("reclaimed body journal cycle {}", f.getName());
      }
    }
    return deleted;
  }
}
