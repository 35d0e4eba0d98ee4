// An operator's action on the spool (QueueControl), carried through the group
// commit like a settlement so it is durable when its stage completes and survives
// a crash. Applied by SpoolLedger on the writer thread.
package org.mailward.queue.spool;

import java.util.List;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientRef;

sealed interface QueueAction {
  /** Unfinished recipients of the message become HELD: their due rows go, nothing claims them. */
  record Hold(MessageId id) implements QueueAction {}

  /** HELD recipients of the message are due now. */
  record Release(MessageId id) implements QueueAction {}

  /** These recipients, if still waiting for a later retry, are due now. */
  record RetryNow(List<RecipientRef> refs) implements QueueAction {
    public RetryNow {
      refs = List.copyOf(refs);
    }
  }

  /** Every unfinished recipient is BOUNCED (by the operator; the caller sends the DSN). */
  record Bounce(MessageId id) implements QueueAction {}

  /** Every unfinished recipient is DELETED; the message and its data key go (no DSN). */
  record Delete(MessageId id) implements QueueAction {}

  /** Claims skip the domain until resumed; persisted in the meta family. */
  record Suspend(String domain) implements QueueAction {}

  record Resume(String domain) implements QueueAction {}
}
