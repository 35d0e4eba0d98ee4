package org.mailward.api;

import java.util.List;

/** Policy's answer at end of data. */
public sealed interface MessageVerdict {
  /**
   * The message goes to the spool.
   *
   * @param dropped recipients (by index in the transaction's accepted list) that must never be delivered,
   *     with the rule that dropped them; an event records each
   * @param requiredLevel the level policy requires (already the strictest of what policy knows)
   * @param evidence which rules and detectors fired, how often
   */
  record Accept(
      Purpose purpose,
      List<Dropped> dropped,
      SecurityLevel requiredLevel,
      List<HeaderEdit> headerEdits,
      boolean dkimSign,
      List<RuleHit> evidence) implements MessageVerdict {
    public Accept {
      dropped = List.copyOf(dropped);
      headerEdits = List.copyOf(headerEdits);
      evidence = List.copyOf(evidence);
    }
  }

  /** The whole message is refused (e.g. PHI in the subject under a refuse rule). */
  record Refuse(SmtpReply reply, String rule, List<RuleHit> evidence) implements MessageVerdict {
    public Refuse {
      evidence = List.copyOf(evidence);
    }
  }

  /** A recipient dropped after DATA, by its index among the accepted recipients. */
  record Dropped(int index, String rule) {}
}
