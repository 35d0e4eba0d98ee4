// Turns one group of commits and settlements into RocksDB writes, and keeps the
// in-memory views (counters, cycle counts, DueLeases' due index) in
// step once the group is durable.
// Writer thread only (the effects it hands over run on the syncer thread).
// Within a group, statuses live in an overlay so several settlements of one
// message in the same group see each other. A group is built only once the
// previous one is durable, so rows read from RocksDB are never stale.
//
// Rows: messages[id] = MessageRecord (envelope sealed), keys[id] = wrapped data key,
// status[id] = RecipientStates, due[dueMillis|id|index] = attempts|domain,
// meta["finished.<state>"] = recipients of finished messages (uint64 merge).
// A message whose recipients are all final is deleted with its data key; its
// recipients are added to the finished totals in the same batch, so stats()
// survive restarts.
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailward.api.AuditEvent;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.Spool;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.mailward.queue.spool.RecipientStates.State;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

final class SpoolLedger {
  private final RocksDatabase db;
  private final CycleLedger cycles;
  private final SpoolCounters counters;
  private final AuditChain audit;
  private final Clock clock;
  private final ColumnFamilyHandle messages;
  private final ColumnFamilyHandle keys;
  private final ColumnFamilyHandle status;
  private final ColumnFamilyHandle due;
  private final ColumnFamilyHandle meta;
  private final DueLeases leases;

  private final Map<MessageId, RecipientStates> overlay = new HashMap<>();
  private final Set<MessageId> dirty = new LinkedHashSet<>();
  private final List<Runnable> effects = new ArrayList<>();
  private final List<DueLeases.Change> dueChanges = new ArrayList<>();

  SpoolLedger(RocksDatabase db, CycleLedger cycles, SpoolCounters counters, AuditChain audit, DueLeases leases,
      Clock clock) {
    this.leases = leases;
    this.db = db;
    this.cycles = cycles;
    this.counters = counters;
    this.audit = audit;
    this.clock = clock;
    this.messages = db.handle(Family.MESSAGES);
    this.keys = db.handle(Family.KEYS);
    this.status = db.handle(Family.STATUS);
    this.due = db.handle(Family.DUE);
    this.meta = db.handle(Family.META);
  }

  /** Rebuilds counters (persisted finished totals + status rows) and cycle counts (start-up). */
  void recover() {
    try {
      for (State st : State.values()) {
        byte[] v = db.db().get(meta, finishedKey(st));
        if (v != null) {
          counters.restore(st, ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong());
        }
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read spool counters: " + e.getMessage(), e);
    }
    try (RocksIterator it = db.db().newIterator(status)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        RecipientStates s = RecipientStates.decode(it.value());
        counters.messages(1);
        cycles.add(s.firstCycle, s.lastCycle);
        for (State st : s.states) {
          counters.move(null, st);
        }
      }
    }
  }

  void commit(WriteBatch wb, PendingMessage m, long size, Envelope env, byte[] sealedEnv,
      List<Spool.Settlement> presettled) throws RocksDBException {
    long now = clock.millis();
    RecipientStates s = RecipientStates.initial(env, m.firstCycle, m.lastCycle, now);
    byte[] id = SpoolKeys.message(m.id);
    wb.put(messages, id, MessageRecord.sealed(size, m.frames(), sealedEnv).encode());
    wb.put(keys, id, m.storedKey);
    overlay.put(m.id, s);
    dirty.add(m.id);
    effects.add(() -> {
      counters.messages(1);
      for (int i = 0; i < s.size(); i++) {
        counters.move(null, State.PENDING);
      }
    });
    for (Spool.Settlement p : presettled) {
      if (p.ref().messageId().equals(m.id) && p.ref().index() < s.size()) {
        apply(wb, s, p.ref(), p.outcome(), false);
      }
    }
    for (int i = 0; i < s.size(); i++) {
      if (s.states[i] == State.PENDING) {
        putDue(wb, SpoolKeys.due(now, new RecipientRef(m.id, i)), SpoolKeys.dueValue(0, s.domains[i]));
      }
    }
  }

  void settle(WriteBatch wb, Spool.Settlement settlement) throws RocksDBException {
    MessageId id = settlement.ref().messageId();
    RecipientStates s = overlay.get(id);
    if (s == null) {
      byte[] row = db.db().get(status, SpoolKeys.message(id));
      if (row == null) {
        return; // finished already, or never committed
      }
      s = RecipientStates.decode(row);
      overlay.put(id, s);
    }
    if (settlement.ref().index() < s.size()) {
      apply(wb, s, settlement.ref(), settlement.outcome(), true);
    }
  }

  private void apply(WriteBatch wb, RecipientStates s, RecipientRef ref, RecipientOutcome outcome, boolean hasDueRow)
      throws RocksDBException {
    int i = ref.index();
    State old = s.states[i];
    if (old.isFinal()) {
      return;
    }
    if (hasDueRow) {
      byte[] oldRow = SpoolKeys.due(s.due[i], ref);
      wb.delete(due, oldRow);
      dueChanges.add(new DueLeases.Change(oldRow, null));
    }
    State next = State.of(outcome);
    if (!(outcome instanceof RecipientOutcome.Dropped)) {
      s.attempts[i]++;
    }
    s.states[i] = next;
    if (outcome instanceof RecipientOutcome.Deferred d) {
      s.due[i] = d.retryAt().toEpochMilli();
      putDue(wb, SpoolKeys.due(s.due[i], ref), SpoolKeys.dueValue(s.attempts[i], s.domains[i]));
    }
    dirty.add(ref.messageId());
    effects.add(() -> counters.move(old, next));
  }

  private void putDue(WriteBatch wb, byte[] key, byte[] value) throws RocksDBException {
    wb.put(due, key, value);
    dueChanges.add(new DueLeases.Change(key, value));
  }

  /**
   * Writes the status rows touched in this group; deletes finished messages and
   * their keys, and adds their recipients to the persisted finished totals (merge).
   */
  void finishGroup(WriteBatch wb) throws RocksDBException {
    long[] finished = new long[State.values().length];
    for (MessageId id : dirty) {
      RecipientStates s = overlay.get(id);
      byte[] key = SpoolKeys.message(id);
      if (s.allFinal()) {
        for (State st : s.states) {
          finished[st.ordinal()]++;
        }
        wb.delete(messages, key);
        wb.delete(keys, key);
        wb.delete(status, key);
        audit.append(finishedEvent(id, s), wb);
        effects.add(() -> {
          counters.messages(-1);
          cycles.remove(s.firstCycle, s.lastCycle);
        });
      } else {
        wb.put(status, key, s.encode());
      }
    }
    for (State st : State.values()) {
      if (finished[st.ordinal()] > 0) {
        wb.merge(meta, finishedKey(st),
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(finished[st.ordinal()]).array());
      }
    }
  }

  private static byte[] finishedKey(State st) {
    return ("finished." + st.name().toLowerCase(java.util.Locale.ROOT)).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The group's batch is complete: hands over what to publish once it is durable
   * (counters, cycle counts; safe to run on the syncer thread) and starts the next group.
   */
  List<Runnable> sealGroup() {
    if (!dueChanges.isEmpty()) {
      List<DueLeases.Change> changes = List.copyOf(dueChanges);
      effects.add(() -> leases.apply(changes));
    }
    List<Runnable> out = List.copyOf(effects);
    clearGroup();
    return out;
  }

  /** The group failed: forget it (RocksDB has none of it). */
  void clearGroup() {
    effects.clear();
    dueChanges.clear();
    overlay.clear();
    dirty.clear();
  }

  private AuditEvent finishedEvent(MessageId id, RecipientStates s) {
    Map<String, String> facts = new HashMap<>();
    for (State st : s.states) {
      facts.merge(st.name().toLowerCase(java.util.Locale.ROOT), "1", (a, b) -> Integer.toString(Integer.parseInt(a) + 1));
    }
    facts.put("dataKey", "destroyed");
    return new AuditEvent(clock.instant(), "message.finished", java.util.Optional.of(id), java.util.Optional.empty(), facts);
  }
}
