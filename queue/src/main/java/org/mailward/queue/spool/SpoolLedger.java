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
import java.util.Optional;
import java.util.Set;
import org.mailward.api.AuditEvent;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.mailward.queue.spool.RecipientStates.State;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

final class SpoolLedger {
  static final String SUSPENDED = "suspended.";
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
    RecipientStates s = states(settlement.ref().messageId());
    if (s == null) {
      return; // finished already, or never committed
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
    if (hasDueRow && old != State.HELD) {
      deleteDue(wb, SpoolKeys.due(s.due[i], ref));
    }
    State next = State.of(outcome);
    if (!(outcome instanceof RecipientOutcome.Dropped)) {
      s.attempts[i]++;
    }
    replyOf(outcome).ifPresent(r -> s.reply(i, r.code(), r.status()));
    boolean held = old == State.HELD && next == State.DEFERRED; // held while in flight: stays held, no due row
    s.states[i] = held ? State.HELD : next;
    if (outcome instanceof RecipientOutcome.Deferred d) {
      s.due[i] = d.retryAt().toEpochMilli();
      if (!held) {
        putDue(wb, SpoolKeys.due(s.due[i], ref), SpoolKeys.dueValue(s.attempts[i], s.domains[i]));
      }
    }
    State moved = s.states[i];
    dirty.add(ref.messageId());
    effects.add(() -> counters.move(old, moved));
  }

  private static Optional<SmtpReply> replyOf(RecipientOutcome o) {
    if (o instanceof RecipientOutcome.Delivered d) {
      return Optional.of(d.reply());
    } else if (o instanceof RecipientOutcome.Deferred d) {
      return d.reply();
    } else if (o instanceof RecipientOutcome.Bounced b) {
      return b.reply();
    }
    return Optional.empty();
  }

  /** Applies an operator's action to this group's batch; returns how many recipients (or domains) it changed. */
  int control(WriteBatch wb, QueueAction action) throws RocksDBException {
    long now = clock.millis();
    if (action instanceof QueueAction.Suspend su) {
      wb.put(meta, suspendedKey(su.domain()), new byte[] {1});
      effects.add(() -> leases.suspend(su.domain()));
      return 1;
    } else if (action instanceof QueueAction.Resume re) {
      wb.delete(meta, suspendedKey(re.domain()));
      effects.add(() -> leases.resume(re.domain()));
      return 1;
    } else if (action instanceof QueueAction.RetryNow rn) {
      int n = 0;
      for (RecipientRef ref : rn.refs()) {
        RecipientStates s = states(ref.messageId());
        int i = ref.index();
        if (s != null && i < s.size() && (s.states[i] == State.DEFERRED || s.states[i] == State.PENDING) && s.due[i] > now) {
          moveDue(wb, s, ref, now);
          n++;
        }
      }
      return n;
    }
    MessageId id = messageOf(action);
    RecipientStates s = states(id);
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < s.size(); i++) {
      State old = s.states[i];
      RecipientRef ref = new RecipientRef(id, i);
      if (old.isFinal()) {
        continue;
      }
      if (action instanceof QueueAction.Release) {
        if (old != State.HELD) {
          continue;
        }
        s.states[i] = s.attempts[i] > 0 ? State.DEFERRED : State.PENDING;
        s.due[i] = now;
        putDue(wb, SpoolKeys.due(now, ref), SpoolKeys.dueValue(s.attempts[i], s.domains[i]));
      } else if (old == State.HELD && action instanceof QueueAction.Hold) {
        continue;
      } else {
        if (old != State.HELD) {
          deleteDue(wb, SpoolKeys.due(s.due[i], ref));
        }
        s.states[i] = action instanceof QueueAction.Hold ? State.HELD
            : action instanceof QueueAction.Bounce ? State.BOUNCED : State.DELETED;
        if (action instanceof QueueAction.Bounce) {
          s.reply(i, 550, "5.0.0");
        }
      }
      State to = s.states[i];
      effects.add(() -> counters.move(old, to));
      n++;
    }
    dirty.add(id);
    return n;
  }

  private static MessageId messageOf(QueueAction action) {
    if (action instanceof QueueAction.Hold h) {
      return h.id();
    } else if (action instanceof QueueAction.Release r) {
      return r.id();
    } else if (action instanceof QueueAction.Bounce b) {
      return b.id();
    } else if (action instanceof QueueAction.Delete d) {
      return d.id();
    }
    throw new IllegalArgumentException("not a message action: " + action.getClass().getSimpleName());
  }

  private void moveDue(WriteBatch wb, RecipientStates s, RecipientRef ref, long dueMillis) throws RocksDBException {
    int i = ref.index();
    deleteDue(wb, SpoolKeys.due(s.due[i], ref));
    s.due[i] = dueMillis;
    putDue(wb, SpoolKeys.due(dueMillis, ref), SpoolKeys.dueValue(s.attempts[i], s.domains[i]));
    dirty.add(ref.messageId());
  }

  private void deleteDue(WriteBatch wb, byte[] key) throws RocksDBException {
    wb.delete(due, key);
    dueChanges.add(new DueLeases.Change(key, null));
  }

  /** The message's states as this group sees them (overlay first), or null when it is finished or unknown. */
  private RecipientStates states(MessageId id) throws RocksDBException {
    RecipientStates s = overlay.get(id);
    if (s == null) {
      byte[] row = db.db().get(status, SpoolKeys.message(id));
      if (row == null) {
        return null;
      }
      s = RecipientStates.decode(row);
      overlay.put(id, s);
    }
    return s;
  }

  static byte[] suspendedKey(String domain) {
    return (SUSPENDED + domain).getBytes(StandardCharsets.UTF_8);
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
