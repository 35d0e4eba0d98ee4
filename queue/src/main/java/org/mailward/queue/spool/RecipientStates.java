// The status-column-family row of one message: each recipient's state, attempts,
// next due time and domain, plus the range of body-journal cycles the message
// uses (for reclaiming cycles). Mutable, and only touched by the writer thread
// (or decoded read-only elsewhere).
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.mailward.api.Envelope;
import org.mailward.api.RecipientOutcome;

final class RecipientStates {
  enum State {
    PENDING, DEFERRED, DELIVERED, BOUNCED, PORTAL, DROPPED;

    boolean isFinal() {
      return this != PENDING && this != DEFERRED;
    }

    static State of(RecipientOutcome o) {
      if (o instanceof RecipientOutcome.Delivered) {
        return DELIVERED;
      } else if (o instanceof RecipientOutcome.Deferred) {
        return DEFERRED;
      } else if (o instanceof RecipientOutcome.Bounced) {
        return BOUNCED;
      } else if (o instanceof RecipientOutcome.HeldInPortal) {
        return PORTAL;
      }
      return DROPPED;
    }
  }

  private static final byte VERSION = 1;
  final int firstCycle;
  final int lastCycle;
  final State[] states;
  final int[] attempts;
  final long[] due;
  final String[] domains;

  private RecipientStates(int firstCycle, int lastCycle, int n) {
    this.firstCycle = firstCycle;
    this.lastCycle = lastCycle;
    this.states = new State[n];
    this.attempts = new int[n];
    this.due = new long[n];
    this.domains = new String[n];
  }

  static RecipientStates initial(Envelope env, int firstCycle, int lastCycle, long nowMillis) {
    RecipientStates s = new RecipientStates(firstCycle, lastCycle, env.recipients().size());
    for (int i = 0; i < s.states.length; i++) {
      s.states[i] = State.PENDING;
      s.due[i] = nowMillis;
      s.domains[i] = env.recipients().get(i).address().domain();
    }
    return s;
  }

  int size() {
    return states.length;
  }

  boolean allFinal() {
    return Arrays.stream(states).allMatch(State::isFinal);
  }

  byte[] encode() {
    byte[][] d = new byte[states.length][];
    int len = 1 + 4 + 4 + 4;
    for (int i = 0; i < states.length; i++) {
      d[i] = domains[i].getBytes(StandardCharsets.UTF_8);
      len += 1 + 4 + 8 + 2 + d[i].length;
    }
    ByteBuffer b = ByteBuffer.allocate(len).put(VERSION).putInt(firstCycle).putInt(lastCycle).putInt(states.length);
    for (int i = 0; i < states.length; i++) {
      b.put((byte) states[i].ordinal()).putInt(attempts[i]).putLong(due[i]).putShort((short) d[i].length).put(d[i]);
    }
    return b.array();
  }

  static RecipientStates decode(byte[] row) {
    ByteBuffer b = ByteBuffer.wrap(row);
    if (b.get() != VERSION) {
      throw new IllegalStateException("unknown status record version");
    }
    RecipientStates s = new RecipientStates(b.getInt(), b.getInt(), b.getInt());
    for (int i = 0; i < s.states.length; i++) {
      s.states[i] = State.values()[b.get()];
      s.attempts[i] = b.getInt();
      s.due[i] = b.getLong();
      byte[] d = new byte[b.getShort()];
      b.get(d);
      s.domains[i] = new String(d, StandardCharsets.UTF_8);
    }
    return s;
  }
}
