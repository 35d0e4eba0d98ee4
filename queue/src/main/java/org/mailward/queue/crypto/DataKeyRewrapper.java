// Master-key rotation, the background half: re-wraps every stored data key that an
// older master key wrapped under the active one, then destroys the older key once
// nothing refers to it. Runs on its own thread ("mailward-key-rewrap"), one pass
// every checkInterval: refresh the ring (picks up `bin/mailward keys rotate-master`
// in a running relay), scan the `keys` column family, re-wrap in synced batches.
//
// Crash safety: a batch replaces a wrapped key by the same data key wrapped under the
// active master key, in one synced RocksDB write; until the pass ends both master keys
// are in the ring, so kill -9 at any point leaves every message readable under one of
// them. The old key is destroyed only after a complete pass found no row under it and
// that pass began at least destroyGrace after this process switched to the new key
// (a message whose data key was wrapped just before the switch may still be
// streaming in; its commit lands within the grace and the pass re-wraps it).
//
// Crypto-shredding stays exact: the spool deletes a finished message's row and key in
// one batch. A re-wrap racing that delete could put the key back, so each re-wrapped
// row whose message row is gone afterwards is deleted again, and the first pass of each
// process deletes any key row without a message row (left by a crash between the two;
// the older key is still in the ring then, since it is destroyed only after a pass).
// Other holders of master-wrapped blobs (WrappedKeyHolders: the control-plane log's
// sealed records) re-wrap in the same pass; a key one of them still names is kept.
// Audit: `master-key.activated` when this process switches to a new key, and
// `master-key.destroyed` when it destroys one (key ids and counts only).
// Does not: decide when to rotate (the operator does), or touch message bodies.
package org.mailward.queue.crypto;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.mailward.api.AuditEvent;
import org.mailward.api.MasterKeyring;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class DataKeyRewrapper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataKeyRewrapper.class);

  /**
   * @param firstPassAfter delay of the first pass after start (zero in the relay; long for read-only tools)
   * @param checkInterval how often the ring is refreshed and, while an older key is in it, a pass runs
   * @param destroyGrace how long after a switch of the active key an older key may still be referred to by
   *     a message being received (longer than any inbound transaction)
   * @param batchSize wrapped keys per synced RocksDB batch
   * @param holders other holders of master-wrapped blobs; an older key they still name is not destroyed
   */
  public record Settings(Duration firstPassAfter, Duration checkInterval, Duration destroyGrace, int batchSize,
      WrappedKeyHolders holders) {
    public Settings(Duration firstPassAfter, Duration checkInterval, Duration destroyGrace, int batchSize) {
      this(firstPassAfter, checkInterval, destroyGrace, batchSize, WrappedKeyHolders.none());
    }

    public Settings {
      if (checkInterval.isNegative() || checkInterval.isZero()) {
        throw new IllegalArgumentException("spool.masterKeyCheckInterval must be > 0");
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("re-wrap batch size must be > 0");
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ZERO, Duration.ofSeconds(30), Duration.ofHours(1), 512);
    }

    /** No pass for a day: for tools and checks that open the spool and must not change its keys. */
    public static Settings dormant() {
      return new Settings(Duration.ofDays(1), Duration.ofDays(1), Duration.ofHours(1), 512);
    }

    public Settings withCheckInterval(Duration d) {
      return new Settings(firstPassAfter, d, destroyGrace, batchSize, holders);
    }

    /** Other holders of master-wrapped blobs (the control-plane log), asked in every pass. */
    public Settings withHolders(WrappedKeyHolders h) {
      return new Settings(firstPassAfter, checkInterval, destroyGrace, batchSize, h);
    }
  }

  /** What the passes so far did (for tests and metrics). */
  public record Stats(long passes, long rewrapped, long orphansRemoved, long destroyed, long failures) {}

  private final RocksDatabase db;
  private final MasterKeyring ring;
  private final Clock clock;
  private final Settings settings;
  private final ColumnFamilyHandle keys;
  private final ColumnFamilyHandle messages;
  private final ScheduledExecutorService executor;
  private final Consumer<AuditEvent> audit;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong rewrapped = new AtomicLong();
  private final AtomicLong orphans = new AtomicLong();
  private final AtomicLong destroyed = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean stopping;
  private Instant activatedAt = Instant.EPOCH; // pass thread only: when this process switched to the active key
  private boolean swept; // pass thread only: a pass of this process checked every row for a message row
  private Set<String> unusedReadOnly = Set.of(); // pass thread only: unused older keys a read-only ring cannot destroy

  private DataKeyRewrapper(RocksDatabase db, MasterKeyring ring, Clock clock, Settings settings, Consumer<AuditEvent> audit) {
    this.audit = audit;
    this.db = db;
    this.ring = ring;
    this.clock = clock;
    this.settings = settings;
    this.keys = db.handle(Family.KEYS);
    this.messages = db.handle(Family.MESSAGES);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mailward-key-rewrap");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the passes: the first after {@code firstPassAfter}, then every {@code checkInterval}. */
  public static DataKeyRewrapper start(RocksDatabase db, MasterKeyring ring, Clock clock, Settings settings,
      Consumer<AuditEvent> audit) {
    DataKeyRewrapper r = new DataKeyRewrapper(db, ring, clock, settings, audit);
    long every = settings.checkInterval().toMillis();
    r.executor.scheduleWithFixedDelay(r::passLogged, settings.firstPassAfter().toMillis(), every, TimeUnit.MILLISECONDS);
    return r;
  }

  public Stats stats() {
    return new Stats(passes.get(), rewrapped.get(), orphans.get(), destroyed.get(), failures.get());
  }

  /** How many stored data keys each master key wraps now (a full scan of the keys column family). */
  public Map<String, Long> census() {
    Map<String, Long> counts = new TreeMap<>();
    try (RocksIterator it = db.db().newIterator(keys)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        counts.merge(DataKey.masterKeyIdOf(it.value(), ring), 1L, Long::sum);
      }
    }
    return counts;
  }

  private void passLogged() {
    try {
      pass();
    } catch (RuntimeException | RocksDBException e) {
      failures.incrementAndGet();
      LOG.warn("master key re-wrap pass failed (retried in {}): {}", settings.checkInterval(), e.toString());
    }
  }

  /** One pass; older keys are destroyed at its end when it found none of their rows. */
  private void pass() throws RocksDBException {
    Instant start = clock.instant();
    String before = ring.activeKeyId();
    if (ring.refresh()) {
      activatedAt = start;
      LOG.info("master key {} is now active for new messages; re-wrapping existing data keys", ring.activeKeyId());
      audit("master-key.activated", Map.of("keyId", ring.activeKeyId(), "previousKeyId", before));
    }
    String active = ring.activeKeyId();
    Set<String> older = new HashSet<>(ring.keyIds());
    older.remove(active);
    if (older.isEmpty() || older.equals(unusedReadOnly) || stopping) {
      return; // nothing to re-wrap (or only keys already reported unused to the operator)
    }
    passes.incrementAndGet();
    Set<String> unknown = new HashSet<>();
    List<byte[][]> batch = new ArrayList<>();
    try (RocksIterator it = db.db().newIterator(keys)) {
      for (it.seekToFirst(); it.isValid() && !stopping; it.next()) {
        byte[] stored = it.value();
        String id = DataKey.masterKeyIdOf(stored, ring);
        if (id.equals(active)) {
          if (!swept && db.db().get(messages, it.key()) == null) {
            db.db().delete(keys, db.syncWrite(), it.key()); // the spool deleted its message: shred again
            orphans.incrementAndGet();
          }
          continue;
        }
        if (!older.contains(id)) {
          unknown.add(id);
          continue;
        }
        batch.add(new byte[][] {it.key(), stored});
        if (batch.size() >= settings.batchSize()) {
          rewrap(batch);
          batch.clear();
        }
      }
      it.status();
    }
    if (stopping) {
      return;
    }
    rewrap(batch);
    swept = true;
    if (!unknown.isEmpty()) {
      LOG.error("{} stored data keys name master keys missing from the ring ({}): those messages cannot be read",
          unknown.size(), unknown);
      return;
    }
    if (!settings.holders().isComplete()) {
      return; // a holder of wrapped blobs is still being wired: destroy nothing yet
    }
    Set<String> held = settings.holders().rewrapAll(ring);
    if (start.isBefore(activatedAt.plus(settings.destroyGrace()))) {
      return; // a message wrapped under an older key just before the switch may still commit
    }
    for (String id : older) {
      if (held.contains(id)) {
        LOG.warn("master key {} is still named by a holder outside the spool after its re-wrap; kept", id);
        continue;
      }
      try {
        ring.destroy(id);
      } catch (UnsupportedOperationException | java.io.UncheckedIOException e) { // environment, or a read-only file
        LOG.warn("master key {} is no longer used by any stored data key but was not destroyed: {}", id, e.getMessage());
        continue;
      }
      destroyed.incrementAndGet();
      LOG.info("master key {} destroyed: no stored data key refers to it", id);
      audit("master-key.destroyed", Map.of("keyId", id, "activeKeyId", active, "rewrapped", String.valueOf(rewrapped.get())));
    }
    older.retainAll(ring.keyIds());
    older.removeAll(held); // still named: asked again in the next pass
    unusedReadOnly = Set.copyOf(older);
  }

  private void audit(String type, Map<String, String> facts) {
    try {
      audit.accept(new AuditEvent(clock.instant(), type, Optional.empty(), Optional.empty(), facts));
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      LOG.error("audit record {} could not be appended: {}", type, e.toString());
    }
  }

  /** Re-wraps one batch in a synced write, then deletes any whose message finished meanwhile. */
  private void rewrap(List<byte[][]> rows) throws RocksDBException {
    if (rows.isEmpty()) {
      return;
    }
    List<byte[]> written = new ArrayList<>();
    try (WriteBatch wb = new WriteBatch()) {
      for (byte[][] row : rows) {
        if (db.db().get(messages, row[0]) == null) {
          wb.delete(keys, row[0]); // left by a crash between a re-wrap and its check below
          orphans.incrementAndGet();
        } else {
          wb.put(keys, row[0], DataKey.rewrap(row[1], ring));
          written.add(row[0]);
        }
      }
      db.db().write(db.syncWrite(), wb);
    }
    rewrapped.addAndGet(written.size());
    try (WriteBatch gone = new WriteBatch()) {
      for (byte[] id : written) {
        if (db.db().get(messages, id) == null) {
          gone.delete(keys, id); // finished (and shredded) while we re-wrapped: shred again
          orphans.incrementAndGet();
        }
      }
      if (gone.count() > 0) {
        db.db().write(db.syncWrite(), gone);
      }
    }
  }

  /** Stops after the current batch; waits for the pass thread (bounded). */
  @Override
  public void close() {
    stopping = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
        LOG.warn("master key re-wrap pass did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
