// The writer-thread side of the audit journal: numbers each event, extends the
// hash chain, appends the record to the audit Chronicle queue and puts its index
// rows (by time, by message id) into the current group's batch, so the record
// becomes durable with the same group sync as the spool's commits. Its
// AuditRecording learns from the group commit whether that worked.
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import javax.crypto.Mac;
import org.mailward.api.AuditEvent;
import org.mailward.queue.rocks.RocksDatabase;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

final class AuditChain {
  static final byte BY_TIME = 'T';
  static final byte BY_MESSAGE = 'M';

  private final ChronicleJournal journal;
  private final RocksDatabase db;
  private final Mac mac; // writer thread only
  private final AuditRecording recording;
  private long lastSeq;
  private byte[] lastHash;

  AuditChain(ChronicleJournal journal, RocksDatabase db, AuditKey key, AuditRecording recording, long lastSeq, byte[] lastHash) {
    this.mac = key.newMac();
    this.journal = journal;
    this.db = db;
    this.recording = recording;
    this.lastSeq = lastSeq;
    this.lastHash = lastHash;
  }

  void append(AuditEvent event, WriteBatch wb) throws RocksDBException {
    long seq = lastSeq + 1;
    byte[] canonical = AuditCodec.canonical(seq, event);
    byte[] prev = lastHash;
    byte[] hash = AuditCodec.chain(mac, prev, canonical);
    long index = journal.append(b -> {
      b.writeLong(seq);
      b.writeInt(canonical.length);
      b.write(canonical);
      b.write(prev);
      b.write(hash);
    });
    lastSeq = seq;
    lastHash = hash;
    byte[] idx = ByteBuffer.allocate(8).putLong(index).array();
    wb.put(db.handle(RocksDatabase.Family.AUDIT), timeKey(event.at().toEpochMilli(), seq), idx);
    if (event.messageId().isPresent()) {
      wb.put(db.handle(RocksDatabase.Family.AUDIT), messageKey(event.messageId().get().toBytes(), seq), idx);
    }
  }

  /** Whether the audit records of the groups get written (the group commit reports each group's outcome). */
  AuditRecording recording() {
    return recording;
  }

  static byte[] timeKey(long millis, long seq) {
    return ByteBuffer.allocate(17).put(BY_TIME).putLong(millis).putLong(seq).array();
  }

  static byte[] messageKey(byte[] id, long seq) {
    return ByteBuffer.allocate(25).put(BY_MESSAGE).put(id).putLong(seq).array();
  }
}
