package org.mailward.admin.controlplane;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node {@link ControlPlaneLog}: entries in the node's {@link KeyValueStore} (namespace
 * {@value #NAMESPACE}, key = version as 8 big-endian bytes, so a scan returns them in order),
 * each written durably before {@link #append} returns. Appends are serialised by one lock and
 * delivered to this node's subscribers under it, in order, before {@code append} returns, so a
 * caller reads its own write and no subscriber ever sees version n+1 before n. A subscriber that
 * throws is logged and counted, and {@code append} then throws {@link NotApplied} so the caller
 * does not report success; the entry stays logged (the subscriber's own applied version decides
 * whether a restart re-delivers it). Callers validate first so that this stays exceptional.
 *
 * <p>Entries are written by {@link ChangeCodec}: what names a person is sealed under a
 * master-wrapped data key. Format-1 entries (addresses in clear, from before) are re-written sealed
 * when the log opens; {@link #rewrapSealedKeys} re-wraps the entries' data keys after a master-key
 * rotation (called by the spool's re-wrap pass, so the old master key is destroyed only when no
 * entry refers to it). RocksDB drops the overwritten values at its next compaction of their files.
 *
 * <p>Not done here: compaction (every entry is kept), and sharing between nodes (a later
 * implementation of the same port on a distributed log).
 */
public final class KeyValueControlPlaneLog implements ControlPlaneLog {
  public static final String NAMESPACE = "controlplane.log";
  private static final Logger LOG = LoggerFactory.getLogger(KeyValueControlPlaneLog.class);
  private static final int REWRAP_BATCH = 512;

  private final KeyValueStore store;
  private final Clock clock;
  private final ChangeCodec codec;
  private final Object lock = new Object();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final AtomicLong applyFailures = new AtomicLong();
  private long latest;
  private final int resealedAtOpen;

  public KeyValueControlPlaneLog(KeyValueStore store, Clock clock, ChangeCodec codec) {
    this.store = store;
    this.clock = clock;
    this.codec = codec;
    long[] last = {0};
    List<byte[][]> inClear = new ArrayList<>();
    store.scan(NAMESPACE, key(0), null, (k, v) -> {
      last[0] = ByteBuffer.wrap(k).getLong();
      if (ChangeCodec.inClear(v)) {
        inClear.add(new byte[][] {k, v});
      }
      return true;
    });
    this.latest = last[0];
    reseal(inClear);
    this.resealedAtOpen = inClear.size();
  }

  /** How many format-1 entries the open re-wrote sealed (their namespace is marked for a purge). */
  public int resealedAtOpen() {
    return resealedAtOpen;
  }

  /** Re-writes format-1 entries (a person named in clear) sealed, in one durable batch. */
  private void reseal(List<byte[][]> entries) {
    if (entries.isEmpty()) {
      return;
    }
    KeyValueStore.Batch.Builder b = KeyValueStore.Batch.builder();
    for (byte[][] kv : entries) {
      b.put(NAMESPACE, kv[0], codec.encode(codec.decode(kv[1])));
    }
    // the owner of the store's files purges the overwritten plaintext (KeyValueStore.PURGE_PENDING)
    store.write(b.put(KeyValueStore.PURGE_PENDING, NAMESPACE.getBytes(StandardCharsets.UTF_8), new byte[0]).build());
    LOG.info("{} control-plane records written before sealing are now sealed", entries.size());
  }

  /**
   * Re-wraps every entry's sealed data key that an older master key wrapped under the active one
   * (durable batches), and returns the master key ids the log's entries refer to afterwards.
   */
  public Set<String> rewrapSealedKeys() {
    synchronized (lock) {
      Set<String> referenced = new HashSet<>();
      List<byte[][]> changed = new ArrayList<>();
      store.scan(NAMESPACE, key(0), null, (k, v) -> {
        codec.rewrapped(v, referenced).ifPresent(bytes -> changed.add(new byte[][] {k, bytes}));
        return true;
      });
      for (int i = 0; i < changed.size(); i += REWRAP_BATCH) {
        KeyValueStore.Batch.Builder b = KeyValueStore.Batch.builder();
        changed.subList(i, Math.min(changed.size(), i + REWRAP_BATCH)).forEach(kv -> b.put(NAMESPACE, kv[0], kv[1]));
        store.write(b.build());
      }
      if (!changed.isEmpty()) {
        LOG.info("re-wrapped the data keys of {} control-plane records under the active master key", changed.size());
      }
      return referenced;
    }
  }

  @Override
  public long append(Entry.Actor actor, ChangeRecord change) {
    synchronized (lock) {
      Entry e = new Entry(latest + 1, clock.instant(), actor, change);
      store.write(KeyValueStore.Batch.builder().put(NAMESPACE, key(e.version()), codec.encode(e)).build());
      latest = e.version();
      boolean applied = true;
      for (Subscriber s : subscribers) {
        applied &= deliver(s, e);
      }
      if (!applied) {
        throw new NotApplied(e.version());
      }
      return e.version();
    }
  }

  @Override
  public void subscribe(long afterVersion, Subscriber subscriber) {
    synchronized (lock) {
      store.scan(NAMESPACE, key(afterVersion + 1), null, (k, v) -> {
        deliver(subscriber, codec.decode(v));
        return true;
      });
      subscribers.add(subscriber);
    }
  }

  @Override
  public long latestVersion() {
    synchronized (lock) {
      return latest;
    }
  }

  @Override
  public void awaitApplied(long version) {
    // local subscribers have applied an entry before append returned
  }

  /** Entries a subscriber failed to apply since start. */
  public long applyFailures() {
    return applyFailures.get();
  }

  private boolean deliver(Subscriber s, Entry e) {
    try {
      s.apply(e);
      return true;
    } catch (RuntimeException ex) {
      applyFailures.incrementAndGet();
      LOG.error("control-plane record {} ({}) not applied: {}", e.version(), ChangeCodec.type(e.change()), ex.toString());
      return false;
    }
  }

  /** The record is logged but a subscriber of this node failed to apply it (the node's log has the reason). */
  public static final class NotApplied extends RuntimeException {
    public NotApplied(long version) {
      super("control-plane record " + version + " was logged but not applied on this node", null, false, false);
    }
  }

  static byte[] key(long version) {
    return ByteBuffer.allocate(8).putLong(version).array();
  }
}
