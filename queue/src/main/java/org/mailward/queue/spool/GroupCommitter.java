// The spool's writer thread, its syncer thread and the pipelined group commit.
//
// Design. Sessions run on Netty event loops and must never block, yet a 250 may
// only be sent once the message is on stable storage, and an fsync costs ~1-3 ms.
// So nothing but these two threads touches the disk for writing:
//
//   event loops ──(sealed frames, commits, settlements, audit events,
//                  operators' queue actions)──▶ MPSC queue
//                                                                          │
//   writer thread: drain the queue; append every frame to the body journal as
//   it comes; gather commits/settlements/audit events into the current group.
//   When the queue is empty (or the group is large, or has waited 5 ms for the
//   queue to run dry) and the syncer is free, close the group: build one RocksDB WriteBatch (message rows, data keys,
//   recipient status, due-index and audit index rows), mark how far each
//   journal has been appended (SyncPoint) and hand both to the syncer.
//   syncer thread, for that closed group, in this order:
//     1. fdatasync the Chronicle cycle files up to the group's SyncPoints,
//     2. write the batch with sync=true (RocksDB WAL fsync),
//     3. publish the group's effects (counters, cycle counts, leases) and
//        complete its stages on the completion thread.
//   While the syncer waits on the disk, the writer keeps appending the next
//   group's frames: the two fsyncs of group N overlap with the appends of group
//   N+1. Only one group is with the syncer at a time, so a group is built only
//   once the previous one is in RocksDB (reads during the build are current),
//   and under load the next group grows while the disk is busy. When idle there
//   is no timer and no added latency.
//
// The commit point of a message is its RocksDB row: after a crash a message is
// either fully there (its body frames were synced first, in step 1) or absent;
// frames with no row are garbage in a cycle file that is deleted once no live
// message uses it.
//
// The queue is a ConcurrentLinkedQueue; producers unpark the writer only when it
// parked. Health is volatile fields, read without locks. Free space is measured
// by the writer, periodically and after every few MB appended, never per call.
package org.mailward.queue.spool;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditHealth;
import org.mailward.api.ByteArrayPool;
import org.mailward.api.Envelope;
import org.mailward.api.RecipientRef;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.api.SpoolHealth;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.rocks.RocksDatabase;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class GroupCommitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_GROUP = 2048;
  /** A group waits at most this long for the queue to run dry once the syncer is free (steady frame streams). */
  static final long MAX_GROUP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long FAILED_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

  private sealed interface Task {}

  /** {@code sealed[0, len)} is the frame; the array goes back to {@code recycle} once appended. */
  private record Frame(PendingMessage msg, long index, boolean last, byte[] sealed, int len, ByteArrayPool recycle)
      implements Task {}

  /** {@code env} in clear for the status rows (recipient count, domains); {@code sealedEnv} is what is stored. */
  /** @param record the acceptance's audit record, written in the same group (null: none) */
  private record Commit(PendingMessage msg, long size, Envelope env, byte[] sealedEnv, List<Spool.Settlement> presettled,
      AuditEvent record, CompletableFuture<Void> done) implements Task {}

  private record Abort(PendingMessage msg) implements Task {}

  private record Settle(List<Spool.Settlement> settlements, CompletableFuture<Void> done) implements Task {}

  private record Audit(AuditEvent event, CompletableFuture<Boolean> durable) implements Task {}

  /** An operator's action; {@code done} gets how many recipients it changed once durable. */
  private record Control(QueueAction action, CompletableFuture<Integer> done) implements Task {}

  private record Stop() implements Task {}

  /** A closed group on its way to stable storage: built by the writer, synced by the syncer. */
  private record Closed(WriteBatch batch, ChronicleJournal.SyncPoint bodySync, ChronicleJournal.SyncPoint auditSync,
      List<Runnable> effects, List<Commit> commits, List<Settle> settles, List<RecipientRef> settledRefs,
      List<Control> controls, int[] changed, List<CompletableFuture<Boolean>> auditWaiters) {}

  private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCommits = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final RocksDatabase db;
  private final WriteOptions writeOptions;
  private final ChronicleJournal body;
  private final ChronicleJournal auditJournal;
  private final SpoolLedger ledger;
  private final CycleLedger cycles;
  private final AuditChain audit;
  private final FreeSpace freeSpace;
  private final SpoolConfig config;
  private final DueLeases leases;
  private final LongConsumer syncNanos;
  private final ExecutorService completer;
  private final ExecutorService syncer;
  private final Thread thread;

  private volatile boolean parked;
  private volatile boolean closed;
  private volatile boolean full;
  private volatile Throwable failure;
  private volatile long freeBytes;
  private volatile long groupSyncs;
  private volatile boolean syncing; // a closed group is with the syncer (set by the writer, cleared by the syncer)
  private volatile Throwable syncFailure; // set by the syncer, taken by the writer before it closes the next group
  private long groupOpenedNanos; // when the current group got its first commit, settlement or audit event
  private long failedAtNanos;
  private long lastCheckNanos;
  private long bytesSinceCheck;

  // the current group (writer thread only)
  private final List<Commit> commits = new ArrayList<>();
  private final List<Settle> settles = new ArrayList<>();
  private final List<AuditEvent> audits = new ArrayList<>();
  private final List<CompletableFuture<Boolean>> auditWaiters = new ArrayList<>(); // of the audits that asked (auditDurably)
  private final List<Control> controls = new ArrayList<>();

  GroupCommitter(SpoolConfig config, RocksDatabase db, ChronicleJournal body, ChronicleJournal auditJournal,
      SpoolLedger ledger, CycleLedger cycles, AuditChain audit, FreeSpace freeSpace,
      DueLeases leases, LongConsumer syncNanos) {
    this.syncNanos = syncNanos;
    this.config = config;
    this.db = db;
    this.body = body;
    this.auditJournal = auditJournal;
    this.ledger = ledger;
    this.cycles = cycles;
    this.audit = audit;
    this.freeSpace = freeSpace;
    this.leases = leases;
    this.writeOptions = config.durability() == SpoolConfig.Durability.FSYNC ? db.syncWrite() : new WriteOptions();
    this.completer = Executors.newSingleThreadExecutor(r -> daemon(r, "mailward-spool-completions"));
    this.syncer = Executors.newSingleThreadExecutor(r -> daemon(r, "mailward-spool-syncer"));
    this.freeBytes = freeSpace.freeBytes();
    this.full = freeBytes < config.minFreeBytes();
    this.thread = daemon(this::run, "mailward-spool-writer");
  }

  void start() {
    cycles.reclaim(body.currentCycle());
    thread.start();
  }

  // ---- producers (any thread, never block) ----

  void frame(PendingMessage msg, long index, boolean last, byte[] sealed, int len, ByteArrayPool recycle) {
    pendingBytes.addAndGet(len);
    offer(new Frame(msg, index, last, sealed, len, recycle));
  }

  CompletableFuture<Void> commit(PendingMessage msg, long size, Envelope env, byte[] sealedEnv,
      List<Spool.Settlement> presettled, AuditEvent record) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    pendingCommits.incrementAndGet();
    offer(new Commit(msg, size, env, sealedEnv, List.copyOf(presettled), record, done));
    return done;
  }

  void abort(PendingMessage msg) {
    offer(new Abort(msg));
  }

  CompletableFuture<Void> settle(List<Spool.Settlement> settlements) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    offer(new Settle(List.copyOf(settlements), done));
    return done;
  }

  void audit(AuditEvent event) {
    offer(new Audit(event, null));
  }

  /** {@link #audit}, completed true once the record's group is synced, false when it is lost. */
  CompletableFuture<Boolean> auditDurably(AuditEvent event) {
    CompletableFuture<Boolean> durable = new CompletableFuture<>();
    offer(new Audit(event, durable));
    return durable;
  }

  CompletableFuture<Integer> control(QueueAction action) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new SpoolException.Unavailable("spool is closed", null));
      return done;
    }
    offer(new Control(action, done));
    return done;
  }

  /** Throws unless new mail can be taken now. Cheap: volatile reads only. */
  void ensureAccepting() {
    if (closed) {
      throw new SpoolException.Unavailable("spool is closed", null);
    }
    if (failure != null) {
      throw new SpoolException.Unavailable("spool failed: " + failure.getMessage(), failure);
    }
    if (full) {
      throw new SpoolException.Unavailable("spool disk is below its free-space floor", null);
    }
  }

  /** Throws Busy when too much is waiting for the writer thread. */
  void ensureNotBehind() {
    if (pendingCommits.get() >= config.maxPendingCommits() || pendingBytes.get() >= config.maxPendingBytes()) {
      throw new SpoolException.Busy("spool has " + pendingCommits.get() + " commits pending");
    }
  }

  /** Group syncs done so far (for tests and metrics). */
  long groupSyncs() {
    return groupSyncs;
  }

  SpoolHealth health() {
    int pending = pendingCommits.get();
    SpoolHealth.State state;
    if (failure != null || closed) {
      state = SpoolHealth.State.FAILED;
    } else if (full) {
      state = SpoolHealth.State.FULL;
    } else if (pending * 2 >= config.maxPendingCommits() || pendingBytes.get() * 2 >= config.maxPendingBytes()) {
      state = SpoolHealth.State.BEHIND;
    } else {
      state = SpoolHealth.State.OK;
    }
    return new SpoolHealth(state, pending, freeBytes);
  }

  private void offer(Task t) {
    queue.offer(t);
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  // ---- the writer thread ----

  private void run() {
    while (true) {
      try {
        runUntilStopped();
        return;
      } catch (RuntimeException | Error e) {
        // A fault the steps above do not expect (an InternalError raised late by the JVM after a
        // SIGBUS on a mapping is one): the writer thread must not die, or every waiting commit
        // would hang unanswered. The open group fails; the spool refuses mail until it recovers.
        fail(e);
        abandonGroup(e);
      }
    }
  }

  /** Fails the open group's commits, settlements and controls, and counts its audit events as lost. */
  private void abandonGroup(Throwable cause) {
    try {
      int events = audits.size() + (int) commits.stream().filter(c -> c.record() != null).count();
      if (events > 0) {
        audit.recording().group(events);
        audit.recording().lost(AuditHealth.Reason.WRITE_FAILED, cause);
      }
      List<Commit> failed = List.copyOf(commits);
      List<Settle> groupSettles = List.copyOf(settles);
      List<Control> groupControls = List.copyOf(controls);
      List<CompletableFuture<Boolean>> groupWaiters = List.copyOf(auditWaiters);
      auditWaiters.clear();
      List<RecipientRef> refs = new ArrayList<>();
      groupSettles.forEach(st -> st.settlements().forEach(one -> refs.add(one.ref())));
      commits.clear();
      settles.clear();
      audits.clear();
      controls.clear();
      finish(failed, List.of(), groupSettles, refs, cause);
      finishControls(groupControls, new int[groupControls.size()], cause);
      completeAuditWaiters(groupWaiters, false);
    } catch (RuntimeException | Error again) {
      LOG.error("spool writer could not fail its open group", again);
    }
  }

  private void runUntilStopped() {
    long tick = config.freeSpaceCheckInterval().toNanos();
    while (true) {
      Task t = queue.poll();
      if (t == null) {
        if (!syncing) {
          housekeeping(tick); // time-gated; only between syncs, so no file being forced is reclaimed
          if (hasGroup()) {
            closeGroup();
            continue;
          }
        }
        parked = true;
        if (queue.isEmpty() && (syncing || !hasGroup())) {
          LockSupport.parkNanos(this, tick);
        }
        parked = false;
        continue;
      }
      if (t instanceof Stop) {
        awaitSyncer();
        closeGroup();
        awaitSyncer();
        takeSyncFailure();
        drainAfterStop();
        return;
      }
      boolean wasEmpty = !hasGroup();
      handle(t);
      if (wasEmpty && hasGroup()) {
        groupOpenedNanos = System.nanoTime();
      }
      if (!syncing && hasGroup() && (commits.size() + settles.size() + audits.size() >= MAX_GROUP
          || System.nanoTime() - groupOpenedNanos >= MAX_GROUP_WAIT_NANOS)) {
        housekeeping(tick);
        closeGroup();
      }
    }
  }

  private void handle(Task t) {
    if (t instanceof Frame f) {
      appendFrame(f);
    } else if (t instanceof Commit c) {
      commits.add(c);
    } else if (t instanceof Settle s) {
      settles.add(s);
    } else if (t instanceof Audit a) {
      audits.add(a.event());
      if (a.durable() != null) {
        auditWaiters.add(a.durable());
      }
    } else if (t instanceof Control c) {
      controls.add(c);
    } else if (t instanceof Abort a) {
      releaseCycles(a.msg());
    }
  }

  private void appendFrame(Frame f) {
    try {
      appendFrameOnce(f);
    } finally {
      f.recycle().give(f.sealed());
    }
  }

  private void appendFrameOnce(Frame f) {
    pendingBytes.addAndGet(-f.len());
    PendingMessage m = f.msg();
    if (m.failed) {
      return;
    }
    if (failure != null || full) {
      m.failed = true;
      return;
    }
    try {
      long index = body.append(b -> {
        b.writeLong(m.id.msb());
        b.writeLong(m.id.lsb());
        b.writeLong(f.index());
        b.writeBoolean(f.last());
        body.writeBulk(b, f.sealed(), f.len());
      });
      m.addFrame(index);
      int cycle = body.cycleOf(index);
      if (m.firstCycle < 0) {
        m.firstCycle = cycle;
        m.lastCycle = cycle;
        cycles.add(cycle, cycle);
      } else if (cycle > m.lastCycle) {
        cycles.add(m.lastCycle + 1, cycle);
        m.lastCycle = cycle;
      }
      bytesSinceCheck += f.len();
      if (bytesSinceCheck > Math.max(1L << 20, config.minFreeBytes() / 4)) {
        checkFreeSpace();
      }
    } catch (RuntimeException | InternalError e) { // InternalError: a SIGBUS on a journal mapping
      m.failed = true;
      fail(e);
    }
  }

  private boolean hasGroup() {
    return !commits.isEmpty() || !settles.isEmpty() || !audits.isEmpty() || !controls.isEmpty();
  }

  /** Builds the current group's batch and hands it to the syncer, which must be free. Writer thread. */
  private void closeGroup() {
    takeSyncFailure();
    if (!hasGroup()) {
      return;
    }
    List<Commit> failedCommits = new ArrayList<>();
    List<Commit> written = new ArrayList<>();
    List<RecipientRef> settledRefs = new ArrayList<>();
    List<Settle> groupSettles = List.copyOf(settles);
    List<Control> groupControls = List.copyOf(controls);
    List<CompletableFuture<Boolean>> groupWaiters = List.copyOf(auditWaiters);
    int[] changed = new int[groupControls.size()];
    WriteBatch wb = new WriteBatch();
    Closed closed = null;
    Throwable buildFailure = null;
    List<Commit> toWrite = new ArrayList<>();
    List<AuditEvent> records = new ArrayList<>(); // of the commits to write: ahead of the group's other events
    for (Commit c : commits) {
      if (c.msg().failed || c.msg().frameCount == 0 || failure != null || full) {
        failedCommits.add(c);
      } else {
        toWrite.add(c);
        if (c.record() != null) {
          records.add(c.record());
        }
      }
    }
    audit.recording().group(records.size() + audits.size());
    try {
      for (Commit c : toWrite) {
        ledger.commit(wb, c.msg(), c.size(), c.env(), c.sealedEnv(), c.presettled());
        written.add(c);
      }
      for (Settle s : groupSettles) {
        for (Spool.Settlement one : s.settlements()) {
          ledger.settle(wb, one);
          settledRefs.add(one.ref());
        }
      }
      for (int i = 0; i < groupControls.size(); i++) {
        changed[i] = ledger.control(wb, groupControls.get(i).action());
      }
      ledger.finishGroup(wb);
      for (AuditEvent e : records) {
        audit.append(e, wb);
      }
      for (AuditEvent e : audits) {
        audit.append(e, wb);
      }
      if (written.isEmpty() && groupSettles.isEmpty() && audits.isEmpty() && groupControls.isEmpty()) {
        wb.close(); // only refused commits: no sync, and the journals keep their sync points for the next group
        ledger.clearGroup();
      } else {
        closed = new Closed(wb, body.seal(), auditJournal.seal(), ledger.sealGroup(), written, groupSettles, settledRefs,
            groupControls, changed, groupWaiters);
      }
    } catch (org.rocksdb.RocksDBException | RuntimeException | InternalError e) {
      wb.close();
      ledger.clearGroup();
      buildFailure = e;
      audit.recording().lost(AuditHealth.Reason.WRITE_FAILED, e);
      fail(e);
    }
    commits.clear();
    settles.clear();
    audits.clear();
    auditWaiters.clear();
    controls.clear();
    if (closed == null) {
      completeAuditWaiters(groupWaiters, false);
      failedCommits.addAll(written);
      finish(failedCommits, List.of(), groupSettles, settledRefs, buildFailure);
      finishControls(groupControls, changed, buildFailure);
      return;
    }
    if (!failedCommits.isEmpty()) {
      finish(failedCommits, List.of(), List.of(), List.of(), null);
    }
    Closed g = closed;
    syncing = true;
    syncer.execute(() -> sync(g));
  }

  /** Makes one closed group durable, then publishes it. Syncer thread. */
  private void sync(Closed g) {
    Throwable err = null;
    try (WriteBatch wb = g.batch()) {
      long start = System.nanoTime();
      body.force(g.bodySync());
      auditJournal.force(g.auditSync());
      db.db().write(writeOptions, wb);
      syncNanos.accept(System.nanoTime() - start);
      g.effects().forEach(Runnable::run);
      groupSyncs++;
      audit.recording().recorded();
    } catch (IOException | org.rocksdb.RocksDBException | RuntimeException | InternalError e) {
      err = e;
    }
    if (err == null) {
      finish(List.of(), g.commits(), g.settles(), g.settledRefs(), null);
    } else {
      audit.recording().lost(AuditHealth.Reason.SYNC_FAILED, err);
      finish(g.commits(), List.of(), g.settles(), g.settledRefs(), err);
      syncFailure = err;
    }
    finishControls(g.controls(), g.changed(), err);
    completeAuditWaiters(g.auditWaiters(), err == null);
    syncing = false;
    LockSupport.unpark(thread);
  }

  /**
   * Completes a group's stages on the completion thread: {@code failed} commits
   * fail, {@code ok} ones succeed, settlements succeed unless {@code cause}.
   * Leases of the settled refs are released (on failure too: they are due again).
   */
  private void finish(List<Commit> failed, List<Commit> ok, List<Settle> settled, List<RecipientRef> settledRefs,
      Throwable cause) {
    for (Commit c : failed) {
      releaseCycles(c.msg());
    }
    leases.release(settledRefs, cause == null);
    pendingCommits.addAndGet(-(failed.size() + ok.size()));
    if (failed.isEmpty() && ok.isEmpty() && settled.isEmpty()) {
      return;
    }
    completer.execute(() -> {
      ok.forEach(c -> c.done().complete(null));
      for (Commit c : failed) {
        c.done().completeExceptionally(new SpoolException.Unavailable("message not spooled", cause));
      }
      for (Settle s : settled) {
        if (cause == null) {
          s.done().complete(null);
        } else {
          s.done().completeExceptionally(new SpoolException.Unavailable("settlement not recorded", cause));
        }
      }
    });
  }

  /** Tells those waiting on a group's audit records whether the records are durable, on the completion thread. */
  private void completeAuditWaiters(List<CompletableFuture<Boolean>> waiters, boolean durable) {
    if (!waiters.isEmpty()) {
      completer.execute(() -> waiters.forEach(w -> w.complete(durable)));
    }
  }

  private void finishControls(List<Control> done, int[] changed, Throwable cause) {
    if (done.isEmpty()) {
      return;
    }
    completer.execute(() -> {
      for (int i = 0; i < done.size(); i++) {
        if (cause == null) {
          done.get(i).done().complete(changed[i]);
        } else {
          done.get(i).done().completeExceptionally(new SpoolException.Unavailable("queue action not recorded", cause));
        }
      }
    });
  }

  private void takeSyncFailure() {
    Throwable f = syncFailure;
    if (f != null) {
      syncFailure = null;
      fail(f);
    }
  }

  private void awaitSyncer() {
    while (syncing) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private void releaseCycles(PendingMessage m) {
    cycles.remove(m.firstCycle, m.lastCycle);
    m.firstCycle = -1;
    m.lastCycle = -1;
  }

  private void housekeeping(long tick) {
    long now = System.nanoTime();
    if (now - lastCheckNanos < tick) {
      return;
    }
    lastCheckNanos = now;
    checkFreeSpace();
    if (failure != null && now - failedAtNanos > FAILED_RETRY_NANOS && !full) {
      LOG.info("spool retrying after failure");
      failure = null;
    }
    cycles.reclaim(Math.min(body.currentCycle(), lastAppendedCycle()));
  }

  private int lastAppendedCycle() {
    return body.lastAppendedCycle().orElse(Integer.MAX_VALUE);
  }

  private void checkFreeSpace() {
    bytesSinceCheck = 0;
    long free = freeSpace.freeBytes();
    freeBytes = free;
    boolean nowFull = free < config.minFreeBytes();
    if (nowFull != full) {
      LOG.warn(nowFull ? "spool disk below free-space floor ({} bytes free): refusing mail"
          : "spool disk has space again ({} bytes free): accepting mail", free);
    }
    full = nowFull;
  }

  private void fail(Throwable e) {
    if (failure == null) {
      LOG.error("spool write failed; refusing mail until it recovers", e);
    }
    failedAtNanos = System.nanoTime();
    failure = e;
    checkFreeSpace();
  }

  private void drainAfterStop() {
    Task t;
    while ((t = queue.poll()) != null) {
      if (t instanceof Commit c) {
        c.done().completeExceptionally(new SpoolException.Unavailable("spool closed", null));
      } else if (t instanceof Settle s) {
        s.done().completeExceptionally(new SpoolException.Unavailable("spool closed", null));
      } else if (t instanceof Control c) {
        c.done().completeExceptionally(new SpoolException.Unavailable("spool closed", null));
      } else if (t instanceof Audit a && a.durable() != null) {
        a.durable().complete(false);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.offer(new Stop());
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ExecutorService e : List.of(syncer, completer)) {
      e.shutdown();
      try {
        e.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
