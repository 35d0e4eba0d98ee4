package org.mailward.admin.controlplane;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Not done here: compaction (every entry is kept), and sharing between nodes (a later
 * implementation of the same port on a distributed log).
 */
public final class KeyValueControlPlaneLog implements ControlPlaneLog {
  public static final String NAMESPACE = "controlplane.log";
  private static final Logger LOG = LoggerFactory.getLogger(KeyValueControlPlaneLog.class);

  private final KeyValueStore store;
  private final Clock clock;
  private final Object lock = new Object();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final AtomicLong applyFailures = new AtomicLong();
  private long latest;

  public KeyValueControlPlaneLog(KeyValueStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    long[] last = {0};
    store.scan(NAMESPACE, key(0), null, (k, v) -> {
      last[0] = ByteBuffer.wrap(k).getLong();
      return true;
    });
    this.latest = last[0];
  }

  @Override
  public long append(Entry.Actor actor, ChangeRecord change) {
    synchronized (lock) {
      Entry e = new Entry(latest + 1, clock.instant(), actor, change);
      store.write(KeyValueStore.Batch.builder().put(NAMESPACE, key(e.version()), ChangeCodec.encode(e)).build());
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
        deliver(subscriber, ChangeCodec.decode(v));
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
