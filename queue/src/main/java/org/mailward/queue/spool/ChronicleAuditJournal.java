// The AuditJournal: HMAC-chained records (AuditKey) in their own Chronicle queue, appended
// by the spool's writer thread and made durable by the same group sync. Queries
// go through a RocksDB index (by time, by message id) to the journal records.
// health() is FAILING from the first group whose audit records could not be
// written or synced (AuditRecording) until a later group's are durable; while
// failing it offers, at most once per PROBE_EVERY, an audit.resumed event (when
// the outage began, how many events were lost) whose durable write ends the
// outage and leaves the gap on record, since a relay refusing mail and pausing
// delivery would otherwise have nothing to audit.
// Does not: check what callers put in facts (they must not put addresses or
// subjects there), or expire old records.
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditHealth;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;
import org.mailward.queue.rocks.KeyBytes;
import org.mailward.queue.rocks.RocksDatabase;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

public final class ChronicleAuditJournal implements AuditJournal {
  static final Duration PROBE_EVERY = Duration.ofSeconds(1);
  private final GroupCommitter committer;
  private final ChronicleJournal journal;
  private final RocksDatabase db;
  private final AuditKey key;
  private final AuditRecording recording;
  private final Clock clock;
  private final AtomicLong nextProbe = new AtomicLong();

  ChronicleAuditJournal(GroupCommitter committer, ChronicleJournal journal, RocksDatabase db, AuditKey key,
      AuditRecording recording, Clock clock) {
    this.key = key;
    this.committer = committer;
    this.journal = journal;
    this.db = db;
    this.recording = recording;
    this.clock = clock;
  }

  @Override
  public void append(AuditEvent event) {
    committer.audit(event);
  }

  /** Completes when the group the record went into has been synced ({@code true}) or has failed ({@code false}). */
  @Override
  public java.util.concurrent.CompletableFuture<Boolean> appendDurably(AuditEvent event) {
    return committer.auditDurably(event);
  }

  /** No I/O: a volatile read, and while failing at most one probe event offered per {@link #PROBE_EVERY}. */
  @Override
  public AuditHealth health() {
    AuditHealth h = recording.health();
    if (!h.recording()) {
      long now = clock.millis();
      long next = nextProbe.get();
      if (now >= next && nextProbe.compareAndSet(next, now + PROBE_EVERY.toMillis())) {
        committer.audit(new AuditEvent(clock.instant(), "audit.resumed", Optional.empty(), Optional.empty(),
            Map.of("failing-since", h.since().map(Instant::toString).orElse(""),
                "lost", Long.toString(recording.lostInOutage()))));
      }
    }
    return h;
  }

  /** Audit events taken by {@link #append} and then lost because their group could not be written or synced. */
  public long eventsLost() {
    return recording.lost();
  }

  @Override
  public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
    byte[] start;
    byte[] end;
    if (messageId.isPresent()) {
      byte[] id = messageId.get().toBytes();
      start = AuditChain.messageKey(id, 0);
      end = KeyBytes.successor(Arrays.copyOf(start, 17));
    } else {
      start = AuditChain.timeKey(millis(from), 0);
      end = AuditChain.timeKey(millis(to), 0);
    }
    List<AuditRecord> out = new ArrayList<>();
    try (Slice upper = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = db.db().newIterator(db.handle(RocksDatabase.Family.AUDIT), ro);
        ExcerptTailer tailer = journal.tailer()) {
      for (it.seek(start); it.isValid() && out.size() < limit; it.next()) {
        long index = ByteBuffer.wrap(it.value()).getLong();
        Stored r = tailer.moveToIndex(index) ? readStored(tailer) : null;
        if (r != null) {
          AuditRecord rec = r.toRecord();
          if (!rec.event().at().isBefore(from) && rec.event().at().isBefore(to)) {
            out.add(rec);
          }
        }
      }
    }
    out.sort(Comparator.comparingLong(AuditRecord::sequence));
    return out;
  }

  @Override
  public Optional<Long> verifyChain() {
    try (ExcerptTailer tailer = journal.tailer()) {
      return verify(tailer, key, Optional.empty()).brokenAt();
    }
  }

  /**
   * What a verification found.
   *
   * @param records records read
   * @param brokenAt the first sequence number whose record does not verify, if any
   * @param head the last verified record's sequence number and MAC (0 and empty for an empty journal)
   * @param checkpoint the MAC of the record asked for, if it was read before the chain broke
   */
  public record Verification(long records, Optional<Long> brokenAt, long headSequence, byte[] headMac,
                             Optional<byte[]> checkpoint) {}

  /**
   * Verifies an audit journal directory on its own (no RocksDB, read-only), as an
   * auditor does with their copy of the key: {@code bin/mailward audit-verify}.
   *
   * @param checkpointSeq a sequence number whose MAC the caller wants to compare with one it holds
   */
  public static Verification verify(java.nio.file.Path auditDirectory, AuditKey key, Optional<Long> checkpointSeq) {
    try (var queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(auditDirectory)
            .readOnly(true).build();
        ExcerptTailer tailer = queue.createTailer()) {
      return verify(tailer, key, checkpointSeq);
    }
  }

  private static Verification verify(ExcerptTailer tailer, AuditKey key, Optional<Long> checkpointSeq) {
    javax.crypto.Mac mac = key.newMac();
    byte[] expectedPrev = new byte[AuditCodec.HASH_BYTES];
    long expectedSeq = 1;
    Optional<byte[]> checkpoint = Optional.empty();
    tailer.toStart();
    for (Stored r = readStored(tailer); r != null; r = readStored(tailer)) {
      if (r.seq != expectedSeq || ByteBuffer.wrap(r.canonical).getLong() != r.seq
          || !Arrays.equals(r.prev, expectedPrev) || !Arrays.equals(r.hash, AuditCodec.chain(mac, r.prev, r.canonical))) {
        return new Verification(expectedSeq - 1, Optional.of(expectedSeq), expectedSeq - 1, expectedPrev, checkpoint);
      }
      if (checkpointSeq.isPresent() && checkpointSeq.get() == r.seq) {
        checkpoint = Optional.of(r.hash);
      }
      expectedPrev = r.hash;
      expectedSeq++;
    }
    return new Verification(expectedSeq - 1, Optional.empty(), expectedSeq - 1, expectedPrev, checkpoint);
  }

  private static long millis(Instant t) {
    if (t.isBefore(Instant.EPOCH)) {
      return 0;
    }
    return t.getEpochSecond() >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : t.toEpochMilli();
  }

  /** One excerpt as stored: [seq][canonical length][canonical][previous hash][hash]. */
  record Stored(long seq, byte[] canonical, byte[] prev, byte[] hash) {
    AuditRecord toRecord() {
      return new AuditRecord(seq, AuditCodec.event(canonical), prev, hash);
    }
  }

  static Stored readStored(ExcerptTailer tailer) {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return null;
      }
      Bytes<?> b = dc.wire().bytes();
      long seq = b.readLong();
      byte[] canonical = new byte[b.readInt()];
      b.read(canonical);
      byte[] prev = new byte[AuditCodec.HASH_BYTES];
      b.read(prev);
      byte[] hash = new byte[AuditCodec.HASH_BYTES];
      b.read(hash);
      return new Stored(seq, canonical, prev, hash);
    }
  }

  /**
   * Where the chain stands after the last stored record (start-up). Reads forward from the
   * newest record the RocksDB index knows (every durable group indexes its records) to the
   * journal's end, so records appended after the last synced group are found too. Never a
   * backward {@code toEnd()}: after a kill -9 that trips an assertion of Chronicle's tailer
   * ({@code StoreTailer.doToStart}, also reached through {@code lastIndex()}).
   */
  static AuditChain resumeChain(ChronicleJournal journal, RocksDatabase db, AuditKey key, AuditRecording recording) {
    long from = newestIndexedRecord(db);
    try (ExcerptTailer tailer = journal.tailer()) {
      if (from < 0 || !tailer.moveToIndex(from)) {
        tailer.toStart();
      }
      Stored last = null;
      for (Stored s = readStored(tailer); s != null; s = readStored(tailer)) {
        last = s;
      }
      return last == null ? new AuditChain(journal, db, key, recording, 0, new byte[AuditCodec.HASH_BYTES])
          : new AuditChain(journal, db, key, recording, last.seq, last.hash);
    }
  }

  /** The journal index of the newest record in the by-time index, or -1. */
  private static long newestIndexedRecord(RocksDatabase db) {
    try (org.rocksdb.RocksIterator it = db.db().newIterator(db.handle(RocksDatabase.Family.AUDIT))) {
      it.seekForPrev(new byte[] {AuditChain.BY_TIME, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) 0xff, (byte) 0xff});
      if (it.isValid() && it.key().length > 0 && it.key()[0] == AuditChain.BY_TIME && it.value().length == 8) {
        return java.nio.ByteBuffer.wrap(it.value()).getLong();
      }
      return -1;
    }
  }
}
