// Recipient counts for Spool.stats(): written by one thread at a time (recovery
// at open, then the syncer thread), read from any thread without locks. Final
// states count since the spool was created: at open, the totals of finished
// (deleted) messages kept in RocksDB's meta family plus the final recipients of
// unfinished messages; then every durable transition.
package org.mailward.queue.spool;

import java.util.concurrent.atomic.AtomicLongArray;
import org.mailward.api.Spool;
import org.mailward.queue.spool.RecipientStates.State;

final class SpoolCounters {
  private volatile long messages;
  private final AtomicLongArray byState = new AtomicLongArray(State.values().length);

  void messages(int delta) {
    messages += delta;
  }

  void move(State from, State to) {
    if (from != null) {
      byState.decrementAndGet(from.ordinal());
    }
    byState.incrementAndGet(to.ordinal());
  }

  /** Adds recipients found at open (the persisted totals of finished messages). */
  void restore(State state, long count) {
    byState.addAndGet(state.ordinal(), count);
  }

  Spool.SpoolStats snapshot() {
    long pending = byState.get(State.PENDING.ordinal());
    long deferred = byState.get(State.DEFERRED.ordinal());
    long held = byState.get(State.HELD.ordinal());
    return new Spool.SpoolStats(messages, pending + deferred + held, deferred, byState.get(State.DELIVERED.ordinal()),
        byState.get(State.BOUNCED.ordinal()), byState.get(State.PORTAL.ordinal()));
  }
}
