// What RocksChronicleSpool.open returns: the Spool, the AuditJournal, the
// KeyValueStore and the QueueControl over one RocksDB instance, and close() for all of them.
package org.mailward.queue.spool;

import org.mailward.api.AuditJournal;
import org.mailward.api.KeyValueStore;
import org.mailward.api.QueueControl;
import org.mailward.api.Spool;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksKeyValueStore;

public final class SpoolStorage implements AutoCloseable {
  private final RocksChronicleSpool spool;
  private final ChronicleAuditJournal audit;
  private final RocksKeyValueStore keyValueStore;
  private final SpoolQueueControl queueControl;
  private final RocksDatabase db;
  private final ChronicleJournal body;
  private final ChronicleJournal auditJournal;
  private final DataKeyRewrapper rewrapper;
  private boolean closed;

  SpoolStorage(RocksChronicleSpool spool, ChronicleAuditJournal audit, RocksKeyValueStore keyValueStore,
      SpoolQueueControl queueControl, RocksDatabase db, ChronicleJournal body, ChronicleJournal auditJournal,
      DataKeyRewrapper rewrapper) {
    this.queueControl = queueControl;
    this.rewrapper = rewrapper;
    this.spool = spool;
    this.audit = audit;
    this.keyValueStore = keyValueStore;
    this.db = db;
    this.body = body;
    this.auditJournal = auditJournal;
  }

  /** The RocksDB instance (tests flush and compact it to look at its files). */
  RocksDatabase database() {
    return db;
  }

  public Spool spool() {
    return spool;
  }

  public AuditJournal audit() {
    return audit;
  }

  /**
   * Audit events the journal took and then lost because their group could not be written
   * or synced (exported as {@code mailward_audit_events_lost_total}; docs/spool.md).
   */
  public long auditEventsLost() {
    return audit.eventsLost();
  }

  public KeyValueStore keyValueStore() {
    return keyValueStore;
  }

  /**
   * After a migration rewrote records of {@code namespaces} in place: the old values leave the
   * RocksDB files (WAL and SST; {@link RocksKeyValueStore#purgeOverwritten}).
   */
  public void purgeOverwritten(java.util.Collection<String> namespaces) {
    keyValueStore.purgeOverwritten(namespaces);
  }

  /** The operator's view and actions (QueueControl), durable through the same group commit. */
  public QueueControl queueControl() {
    return queueControl;
  }

  /** What master-key re-wrapping has done in this process. */
  public DataKeyRewrapper.Stats keyRotation() {
    return rewrapper.stats();
  }

  /** How many stored data keys each master key wraps now (scans every key row). */
  public java.util.Map<String, Long> dataKeysByMasterKey() {
    return rewrapper.census();
  }

  /** Stops the writer thread (flushing what is queued), then closes the journals and RocksDB. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    rewrapper.close();
    spool.close();
    body.close();
    auditJournal.close();
    db.close();
  }
}
