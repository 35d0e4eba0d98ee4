// The delivery side's in-memory leases over the due index, and claimDue itself.
//
// A claim walks the due index (dueMillis|messageId|index) from the oldest or from
// the newest row due at `now`, leasing rows not leased yet. Leased rows stay in
// the index until their settlement is durable, so under a large backlog of
// leased-but-unsettled recipients a naive walk would re-read all of them on
// every claim. To avoid that, each walk remembers the key ranges it covered
// ("every row in [lo, hi] is leased") and later walks seek straight past them.
// A range is forgotten when a due row is inserted at a time inside it (a new
// message, a deferral) once that row is visible, or when leases are given back
// without their rows being removed (a failed settlement); a restart forgets
// everything, as it forgets the leases.
//
// All state is guarded by one lock: claims run on the scheduler's thread, lease
// releases and insert notices on the spool's syncer thread.
package org.mailward.queue.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.mailward.api.RecipientRef;
import org.mailward.api.Spool.ClaimOrder;
import org.mailward.api.Spool.DueRecipient;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

final class DueLeases {
  /** Beyond this many remembered ranges the oldest are dropped (they only save time). */
  private static final int MAX_RANGES = 256;

  /** Due keys lo..hi (inclusive, unsigned byte order) of which every row present is leased. */
  private record Range(byte[] lo, byte[] hi) {
    boolean contains(byte[] key) {
      return Arrays.compareUnsigned(lo, key) <= 0 && Arrays.compareUnsigned(key, hi) <= 0;
    }

    boolean overlaps(Range o) {
      return Arrays.compareUnsigned(lo, o.hi) <= 0 && Arrays.compareUnsigned(o.lo, hi) <= 0;
    }

    boolean spansMillis(long millis) {
      return SpoolKeys.dueMillis(lo) <= millis && millis <= SpoolKeys.dueMillis(hi);
    }
  }

  private final RocksDatabase db;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<RecipientRef> leased = new HashSet<>();
  private final List<Range> ranges = new ArrayList<>();
  private long rowsRead; // for tests: how much the walks cost

  DueLeases(RocksDatabase db) {
    this.db = db;
  }

  List<DueRecipient> claim(Instant now, int limit, ClaimOrder order) {
    List<DueRecipient> out = new ArrayList<>(Math.min(Math.max(limit, 0), 1024));
    if (limit <= 0) {
      return out;
    }
    byte[] upperBound = SpoolKeys.dueUpTo(now.toEpochMilli());
    boolean forward = order != ClaimOrder.NEWEST_DUE_FIRST;
    lock.lock();
    // forward: bounded above by `now`; backward: starts below it (no bound, SeekForPrev does not mix with one)
    try (Slice upper = new Slice(upperBound);
        ReadOptions ro = forward ? new ReadOptions().setIterateUpperBound(upper) : new ReadOptions();
        RocksIterator it = db.db().newIterator(db.handle(Family.DUE), ro)) {
      if (forward) {
        it.seekToFirst();
      } else {
        it.seekForPrev(upperBound);
      }
      byte[] first = null;
      byte[] last = null;
      while (it.isValid() && out.size() < limit) {
        byte[] key = it.key();
        rowsRead++;
        Range skip = rangeContaining(key);
        if (first == null) {
          first = skip == null ? key : (forward ? skip.lo : skip.hi);
        }
        if (skip != null) {
          last = forward ? skip.hi : skip.lo;
          seekPast(it, last, forward);
          continue;
        }
        last = key;
        RecipientRef ref = SpoolKeys.dueRef(key);
        if (leased.add(ref)) {
          byte[] v = it.value();
          out.add(new DueRecipient(ref, SpoolKeys.dueDomain(v), Instant.ofEpochMilli(SpoolKeys.dueMillis(key)),
              SpoolKeys.dueAttempts(v)));
        }
        if (forward) {
          it.next();
        } else {
          it.prev();
        }
      }
      if (first != null) {
        remember(forward ? new Range(first, last) : new Range(last, first));
      }
    } finally {
      lock.unlock();
    }
    return out;
  }

  /** Leases given back. {@code rowsRemoved}: their settlement is durable (rows deleted or moved). */
  void release(List<RecipientRef> refs, boolean rowsRemoved) {
    if (refs.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      leased.removeAll(refs);
      if (!rowsRemoved) {
        ranges.clear(); // their rows are due again, possibly inside a remembered range
      }
    } finally {
      lock.unlock();
    }
  }

  /** Due rows at these times are now visible: forget the ranges they may fall into. */
  void inserted(long[] dueMillis) {
    if (dueMillis.length == 0) {
      return;
    }
    lock.lock();
    try {
      for (long m : dueMillis) {
        ranges.removeIf(r -> r.spansMillis(m));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Due rows read by all claims so far (tests: a claim past many leased rows stays cheap). */
  long rowsRead() {
    lock.lock();
    try {
      return rowsRead;
    } finally {
      lock.unlock();
    }
  }

  private Range rangeContaining(byte[] key) {
    for (Range r : ranges) {
      if (r.contains(key)) {
        return r;
      }
    }
    return null;
  }

  private static void seekPast(RocksIterator it, byte[] bound, boolean forward) {
    if (forward) {
      it.seek(bound);
      if (it.isValid() && Arrays.equals(it.key(), bound)) {
        it.next();
      }
    } else {
      it.seekForPrev(bound);
      if (it.isValid() && Arrays.equals(it.key(), bound)) {
        it.prev();
      }
    }
  }

  /** Adds a covered range, merged with those it overlaps. */
  private void remember(Range covered) {
    Range merged = covered;
    for (Iterator<Range> i = ranges.iterator(); i.hasNext();) {
      Range r = i.next();
      if (r.overlaps(merged)) {
        byte[] lo = Arrays.compareUnsigned(r.lo, merged.lo) < 0 ? r.lo : merged.lo;
        byte[] hi = Arrays.compareUnsigned(r.hi, merged.hi) > 0 ? r.hi : merged.hi;
        merged = new Range(lo, hi);
        i.remove();
      }
    }
    ranges.add(merged);
    if (ranges.size() > MAX_RANGES) {
      ranges.remove(0);
    }
  }
}
