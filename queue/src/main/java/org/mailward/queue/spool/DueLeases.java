// The due index as the delivery side reads it: an in-memory sorted map of the
// durable due rows (dueMillis|messageId|index -> attempts|domain), loaded from
// RocksDB's DUE family at open and kept in step with every durable group, plus
// the leases handed out by claimDue.
//
// Why not read RocksDB: a due row is written once and deleted once per attempt,
// so the DUE family's memtable fills with tombstones at the front of the key
// space; every seek from the oldest (or the newest) row walked all of them. In
// the P1 load bench that walk was a third of the relay's CPU after forty seconds
// and grew with uptime. RocksDB stays the durable record (Postfix keeps its
// active queue in memory over the queue files the same way).
//
// A claim moves rows from the index into the lease map; a durable settlement
// drops the lease (its row was deleted or re-inserted under a new time by the
// same batch); a failed one puts the rows back. Rows of a group become visible
// only once the group is durable (apply, on the syncer thread).
//
// Suspended destinations (QueueControl.suspend): their rows are parked in a map
// per domain, outside the index, so claims neither return nor walk them; resume
// puts them back. The set is durable in the meta family and loaded at open.
//
// One lock: claims run on the scheduler's thread, apply and release on the
// spool's syncer thread; each holds it for one batch, not per row.
package org.mailward.queue.spool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.mailward.api.RecipientRef;
import org.mailward.api.Spool.ClaimOrder;
import org.mailward.api.Spool.DueRecipient;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.rocksdb.RocksIterator;

final class DueLeases {
  /** One change to the due rows of a group: a put ({@code value != null}) or a delete. */
  record Change(byte[] key, byte[] value) {}

  private record Row(byte[] key, byte[] value) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final TreeMap<byte[], byte[]> rows = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<RecipientRef, Row> leased = new HashMap<>();
  private final Map<String, TreeMap<byte[], byte[]>> parked = new HashMap<>(); // suspended domain -> its rows
  private long rowsRead; // for tests: how much the claims cost

  /** Loads the durable due rows (start-up; leases start empty, as after any restart). */
  DueLeases(RocksDatabase db) {
    byte[] prefix = SpoolLedger.SUSPENDED.getBytes(StandardCharsets.UTF_8);
    try (RocksIterator it = db.db().newIterator(db.handle(Family.META))) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        parked.put(new String(it.key(), prefix.length, it.key().length - prefix.length,
            StandardCharsets.UTF_8), new TreeMap<>(Arrays::compareUnsigned));
      }
    }
    try (RocksIterator it = db.db().newIterator(db.handle(Family.DUE))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        index(it.key(), it.value()).put(it.key(), it.value());
      }
    }
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Where a row lives: the claimable index, or its suspended domain's parking map. Under the lock (or at open). */
  private TreeMap<byte[], byte[]> index(byte[] key, byte[] value) {
    TreeMap<byte[], byte[]> p = parked.isEmpty() ? null : parked.get(SpoolKeys.dueDomain(value));
    return p != null ? p : rows;
  }

  /** Claims skip {@code domain} from now on; its rows are parked. Syncer thread, once the suspension is durable. */
  void suspend(String domain) {
    lock.lock();
    try {
      if (parked.containsKey(domain)) {
        return;
      }
      TreeMap<byte[], byte[]> p = new TreeMap<>(Arrays::compareUnsigned);
      rows.entrySet().removeIf(e -> {
        if (SpoolKeys.dueDomain(e.getValue()).equals(domain)) {
          p.put(e.getKey(), e.getValue());
          return true;
        }
        return false;
      });
      parked.put(domain, p);
    } finally {
      lock.unlock();
    }
  }

  /** The domain's parked rows are claimable again. */
  void resume(String domain) {
    lock.lock();
    try {
      TreeMap<byte[], byte[]> p = parked.remove(domain);
      if (p != null) {
        rows.putAll(p);
      }
    } finally {
      lock.unlock();
    }
  }

  Set<String> suspended() {
    lock.lock();
    try {
      return Set.copyOf(parked.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Recipients whose due row waits past {@code afterMillis} (claimable or parked; not leased), for retry-now. */
  List<RecipientRef> waitingAfter(long afterMillis, Predicate<String> domain) {
    List<RecipientRef> out = new ArrayList<>();
    lock.lock();
    try {
      List<TreeMap<byte[], byte[]>> all = new ArrayList<>(parked.values());
      all.add(rows);
      for (TreeMap<byte[], byte[]> m : all) {
        for (Map.Entry<byte[], byte[]> e : m.tailMap(SpoolKeys.dueUpTo(afterMillis), true).entrySet()) {
          if (domain.test(SpoolKeys.dueDomain(e.getValue()))) {
            out.add(SpoolKeys.dueRef(e.getKey()));
          }
        }
      }
    } finally {
      lock.unlock();
    }
    return out;
  }

  List<DueRecipient> claim(Instant now, int limit, ClaimOrder order) {
    List<DueRecipient> out = new ArrayList<>(Math.min(Math.max(limit, 0), 1024));
    if (limit <= 0) {
      return out;
    }
    byte[] upperBound = SpoolKeys.dueUpTo(now.toEpochMilli());
    lock.lock();
    try {
      NavigableMap<byte[], byte[]> due = rows.headMap(upperBound, false);
      if (order == ClaimOrder.NEWEST_DUE_FIRST) {
        due = due.descendingMap();
      }
      for (Iterator<Map.Entry<byte[], byte[]>> it = due.entrySet().iterator(); it.hasNext() && out.size() < limit;) {
        Map.Entry<byte[], byte[]> e = it.next();
        rowsRead++;
        byte[] key = e.getKey();
        RecipientRef ref = SpoolKeys.dueRef(key);
        if (leased.containsKey(ref)) {
          continue; // re-inserted by a durable deferral whose lease is not released yet
        }
        byte[] v = e.getValue();
        it.remove();
        leased.put(ref, new Row(key, v));
        out.add(new DueRecipient(ref, SpoolKeys.dueDomain(v), Instant.ofEpochMilli(SpoolKeys.dueMillis(key)),
            SpoolKeys.dueAttempts(v)));
      }
    } finally {
      lock.unlock();
    }
    return out;
  }

  /**
   * Leases given back. {@code rowsRemoved}: their settlement is durable (rows deleted
   * or moved); otherwise the settlement failed and the rows are due again.
   */
  void release(List<RecipientRef> refs, boolean rowsRemoved) {
    if (refs.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      for (RecipientRef ref : refs) {
        Row row = leased.remove(ref);
        if (row != null && !rowsRemoved) {
          index(row.key(), row.value()).put(row.key(), row.value());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A group's due-row changes are durable: make them visible, in the order they were written. */
  void apply(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      for (Change c : changes) {
        if (c.value() == null) {
          if (rows.remove(c.key()) == null && !parked.isEmpty()) {
            parked.values().forEach(p -> p.remove(c.key()));
          }
        } else {
          index(c.key(), c.value()).put(c.key(), c.value());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Due rows visited by all claims so far (tests: leased rows are not walked again). */
  long rowsRead() {
    lock.lock();
    try {
      return rowsRead;
    } finally {
      lock.unlock();
    }
  }
}
