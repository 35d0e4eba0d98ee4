// The Spool: bodies sealed per frame into a Chronicle Queue body journal,
// envelopes, per-recipient status and the due index in RocksDB, all writes
// group-committed by the GroupCommitter. This class is the thin front: begin,
// reads (envelope, body, stats); claims and leases are DueLeases'.
//
// Leases: a claim moves rows from DueLeases' in-memory index to its leases; the syncer thread drops them
// only after the settling batch is durable, so a claim never sees a
// recipient's old due row after its lease is gone.
package org.mailward.queue.spool;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.mailward.api.BodySource;
import org.mailward.api.ByteArrayPool;
import org.mailward.api.Envelope;
import org.mailward.api.MasterKeyring;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;
import org.mailward.queue.DurableDirectories;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.crypto.DataKey;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.crypto.FrameCipher;
import org.mailward.queue.crypto.MasterKey;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.mailward.queue.rocks.RocksKeyValueStore;
import org.rocksdb.RocksDBException;

public final class RocksChronicleSpool implements Spool {
  /** The audit journal's cycle file is made sure of this far ahead (ChronicleJournal.reserveAhead). */
  private static final long AUDIT_RESERVE_BYTES = 64 * 1024;
  private final GroupCommitter committer;
  private final RocksDatabase db;
  private final ChronicleJournal body;
  private final MasterKeyring master;
  private final SecureRandom random;
  private final SpoolCounters counters;
  private final ByteArrayPool plainFrames;
  private final ByteArrayPool sealedFrames;
  private final DueLeases leases;

  private RocksChronicleSpool(GroupCommitter committer, RocksDatabase db, ChronicleJournal body, MasterKeyring master,
      SecureRandom random, SpoolCounters counters, DueLeases leases, int frameBytes) {
    this.leases = leases;
    this.committer = committer;
    this.db = db;
    this.body = body;
    this.master = master;
    this.random = random;
    this.counters = counters;
    this.plainFrames = new ByteArrayPool(frameBytes, 256);
    this.sealedFrames = new ByteArrayPool(frameBytes + FrameCipher.TAG_BYTES, 256);
  }

  /** Opens (creating if needed) the spool, audit journal and key-value store under {@code config.dataDirectory()}. */
  public static SpoolStorage open(SpoolConfig config, Clock clock) {
    return open(config, clock, SpoolSetup.defaults(config));
  }

  /** As {@link #open(SpoolConfig, Clock)} with relay-app's hooks (sync-time listener). */
  public static SpoolStorage open(SpoolConfig config, Clock clock, SpoolSetup setup) {
    return open(config, clock, setup, MasterKey.loadOrCreate(config.masterKeyFile(), new SecureRandom()),
        DataKeyRewrapper.Settings.defaults());
  }

  /** As {@link #open(SpoolConfig, Clock)} with the master keys from {@code keyring} and re-wrapping as {@code rotation} says. */
  public static SpoolStorage open(SpoolConfig config, Clock clock, MasterKeyring keyring, DataKeyRewrapper.Settings rotation) {
    return open(config, clock, SpoolSetup.defaults(config), keyring, rotation);
  }

  /**
   * As {@link #open(SpoolConfig, Clock, SpoolSetup)} with the master keys from {@code keyring} (key
   * file, environment, or a KMS) and re-wrapping after a rotation as {@code rotation} says.
   */
  public static SpoolStorage open(SpoolConfig config, Clock clock, SpoolSetup setup, MasterKeyring keyring,
      DataKeyRewrapper.Settings rotation) {
    try {
      DurableDirectories.create(config.dataDirectory());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create spool directory " + config.dataDirectory(), e);
    }
    return open(config, clock, FreeSpace.of(config.dataDirectory()), setup, keyring, rotation);
  }

  /** As {@link #open(SpoolConfig, Clock)} with a substitute free-space probe (tests). */
  public static SpoolStorage open(SpoolConfig config, Clock clock, FreeSpace freeSpace) {
    return open(config, clock, freeSpace, SpoolSetup.defaults(config));
  }

  static SpoolStorage open(SpoolConfig config, Clock clock, FreeSpace freeSpace, SpoolSetup setup) {
    return open(config, clock, freeSpace, setup, MasterKey.loadOrCreate(config.masterKeyFile(), new SecureRandom()),
        DataKeyRewrapper.Settings.defaults());
  }

  private static SpoolStorage open(SpoolConfig config, Clock clock, FreeSpace freeSpace, SpoolSetup setup,
      MasterKeyring master, DataKeyRewrapper.Settings rotation) {
    Path dir = config.dataDirectory();
    SecureRandom random = new SecureRandom();
    boolean fsync = config.durability() == SpoolConfig.Durability.FSYNC;
    RocksDatabase db = RocksDatabase.open(dir.resolve("rocksdb"));
    ChronicleJournal body = new ChronicleJournal(dir.resolve("body"), rollCycle(config.roll()), clock, fsync);
    body.touchPagesAhead();
    ChronicleJournal auditJournal = new ChronicleJournal(dir.resolve("audit"), RollCycles.FAST_DAILY, clock, fsync);
    auditJournal.touchPagesAhead();
    auditJournal.reserveAhead(AUDIT_RESERVE_BYTES);
    syncDirectory(dir); // rocksdb/, body/, audit/ (and a new master.key) are names in it
    AuditKey auditKey = AuditKey.loadOrCreate(setup.auditKeyFile(), random);
    AuditRecording recording = new AuditRecording(clock);
    AuditChain chain = ChronicleAuditJournal.resumeChain(auditJournal, db, auditKey, recording);
    SpoolCounters counters = new SpoolCounters();
    CycleLedger cycles = new CycleLedger(body);
    DueLeases leases = new DueLeases(db);
    SpoolLedger ledger = new SpoolLedger(db, cycles, counters, chain, leases, clock);
    ledger.recover();
    GroupCommitter committer = new GroupCommitter(config, db, body, auditJournal, ledger, cycles, chain, freeSpace,
        leases, setup.groupSyncNanos());
    RocksChronicleSpool spool = new RocksChronicleSpool(committer, db, body, master, random, counters, leases,
        config.frameBytes());
    committer.start();
    ChronicleAuditJournal audit = new ChronicleAuditJournal(committer, auditJournal, db, auditKey, recording, clock);
    DataKeyRewrapper rewrapper = DataKeyRewrapper.start(db, master, clock, rotation, audit::append);
    return new SpoolStorage(spool, audit, new RocksKeyValueStore(db), new SpoolQueueControl(spool, db, committer, leases, clock),
        db, body, auditJournal, rewrapper);
  }

  private static void syncDirectory(Path dir) {
    try {
      DurableDirectories.sync(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot sync spool directory " + dir, e);
    }
  }

  static RollCycle rollCycle(SpoolConfig.Roll roll) {
    return switch (roll) {
      case HOURLY -> RollCycles.FAST_HOURLY;
      case DAILY -> RollCycles.FAST_DAILY;
      case FIVE_MINUTELY -> RollCycles.FIVE_MINUTELY;
      case SECONDLY_FOR_TESTS -> TestRollCycles.TEST_SECONDLY;
    };
  }

  @Override
  public SpoolHealth health() {
    return committer.health();
  }

  @Override
  public MessageWriter begin(MessageId id) {
    committer.ensureAccepting();
    committer.ensureNotBehind();
    DataKey key = DataKey.generate(random);
    PendingMessage msg = new PendingMessage(id, key.toStored(master));
    return new SpoolMessageWriter(committer, msg, new FrameCipher(key, id), plainFrames, sealedFrames);
  }

  @Override
  public Optional<Envelope> envelope(MessageId id) {
    return opened(id).map(o -> o.record().envelope(new FrameCipher(o.key(), id)));
  }

  @Override
  public Optional<BodySource> body(MessageId id) {
    return opened(id).map(o -> new SpoolBodySource(body, id, o.key(), o.record().frames(), o.record().size(), plainFrames,
        sealedFrames));
  }

  /** A message's row and its unwrapped data key: both, or empty once the message is finished (or shredded). */
  private record Opened(MessageRecord record, DataKey key) {}

  private Optional<Opened> opened(MessageId id) {
    Optional<MessageRecord> rec = record(id);
    if (rec.isEmpty()) {
      return Optional.empty();
    }
    byte[] storedKey = get(Family.KEYS, SpoolKeys.message(id));
    if (storedKey == null) {
      return Optional.empty();
    }
    return Optional.of(new Opened(rec.get(), DataKey.fromStored(storedKey, master)));
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit) {
    return leases.claim(now, limit, ClaimOrder.OLDEST_DUE_FIRST);
  }

  /** NEWEST_DUE_FIRST reads the due index backwards from {@code now}. */
  @Override
  public List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    return leases.claim(now, limit, order);
  }

  /** Due-index rows visited by all claims so far (tests: claims do not walk leased rows). */
  public long dueRowsRead() {
    return leases.rowsRead();
  }

  @Override
  public CompletionStage<Void> settle(List<Settlement> settlements) {
    return committer.settle(settlements);
  }

  /** How many group syncs the writer thread has done. */
  public long groupSyncs() {
    return committer.groupSyncs();
  }

  @Override
  public SpoolStats stats() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    committer.close();
  }

  /** The message's row (size, frames, sealed envelope), or empty once finished. */
  Optional<MessageRecord> messageRecord(MessageId id) {
    return record(id);
  }

  private Optional<MessageRecord> record(MessageId id) {
    byte[] row = get(Family.MESSAGES, SpoolKeys.message(id));
    return row == null ? Optional.empty() : Optional.of(MessageRecord.decode(row));
  }

  private byte[] get(Family family, byte[] key) {
    try {
      return db.db().get(db.handle(family), key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("spool read failed: " + e.getMessage(), e);
    }
  }
}
