// Recipient counts for Spool.stats(): written by the writer thread only, read
// from any thread without locks. Final states count since start-up plus those
// found in unfinished messages at start-up (finished messages are deleted).
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

  Spool.SpoolStats snapshot() {
    long pending = byState.get(State.PENDING.ordinal());
    long deferred = byState.get(State.DEFERRED.ordinal());
    return new Spool.SpoolStats(messages, pending + deferred, deferred, byState.get(State.DELIVERED.ordinal()),
        byState.get(State.BOUNCED.ordinal()), byState.get(State.PORTAL.ordinal()));
  }
}
