// The status-column-family row of one message: each recipient's state, attempts,
// next due time, domain and last reply (code and enhanced status only: a reply's
// text can name the recipient), plus the range of body-journal cycles the message
// uses (for reclaiming cycles). HELD (an operator's hold: no due row) and DELETED
// (removed by an operator, no DSN) were added after version 1 rows existed. Mutable, and only touched by the writer thread
// (or decoded read-only elsewhere).
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.mailward.api.Envelope;
import org.mailward.api.RecipientOutcome;

final class RecipientStates {
  enum State {
    PENDING, DEFERRED, DELIVERED, BOUNCED, PORTAL, DROPPED, HELD, DELETED;

    boolean isFinal() {
      return this != PENDING && this != DEFERRED && this != HELD;
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

  private static final byte V1 = 1;
  private static final byte VERSION = 2;
  final int firstCycle;
  final int lastCycle;
  final State[] states;
  final int[] attempts;
  final long[] due;
  final String[] domains;
  final String[] lastReplies; // "451 4.3.0", or "" before any reply

  private RecipientStates(int firstCycle, int lastCycle, int n) {
    this.firstCycle = firstCycle;
    this.lastCycle = lastCycle;
    this.states = new State[n];
    this.attempts = new int[n];
    this.due = new long[n];
    this.domains = new String[n];
    this.lastReplies = new String[n];
    Arrays.fill(lastReplies, "");
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
    byte[][] r = new byte[states.length][];
    int len = 1 + 4 + 4 + 4;
    for (int i = 0; i < states.length; i++) {
      d[i] = domains[i].getBytes(StandardCharsets.UTF_8);
      r[i] = lastReplies[i].getBytes(StandardCharsets.US_ASCII);
      len += 1 + 4 + 8 + 2 + d[i].length + 1 + r[i].length;
    }
    ByteBuffer b = ByteBuffer.allocate(len).put(VERSION).putInt(firstCycle).putInt(lastCycle).putInt(states.length);
    for (int i = 0; i < states.length; i++) {
      b.put((byte) states[i].ordinal()).putInt(attempts[i]).putLong(due[i]).putShort((short) d[i].length).put(d[i]);
      b.put((byte) r[i].length).put(r[i]);
    }
    return b.array();
  }

  /** Remembers a reply's code and enhanced status (never its text). */
  void reply(int i, int code, String status) {
    String v = code + (status.isEmpty() ? "" : " " + status);
    lastReplies[i] = v.length() > 32 ? v.substring(0, 32) : v;
  }

  static RecipientStates decode(byte[] row) {
    ByteBuffer b = ByteBuffer.wrap(row);
    byte version = b.get();
    if (version != VERSION && version != V1) {
      throw new IllegalStateException("unknown status record version " + version);
    }
    RecipientStates s = new RecipientStates(b.getInt(), b.getInt(), b.getInt());
    for (int i = 0; i < s.states.length; i++) {
      s.states[i] = State.values()[b.get()];
      s.attempts[i] = b.getInt();
      s.due[i] = b.getLong();
      byte[] d = new byte[b.getShort()];
      b.get(d);
      s.domains[i] = new String(d, StandardCharsets.UTF_8);
      if (version == VERSION) {
        byte[] r = new byte[b.get()];
        b.get(r);
        s.lastReplies[i] = new String(r, StandardCharsets.US_ASCII);
      }
    }
    return s;
  }
}
