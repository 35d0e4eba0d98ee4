package org.mailward.app;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Spool;
import org.mailward.policy.consent.Suppressions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool as delivery sees it, with one addition: a recipient that bounces
 * because the mailbox does not exist ({@code 5.1.x} from the receiving server)
 * is suppressed for every purpose of its tenant, so the ESP's next campaign is
 * refused at RCPT instead of bouncing again (the bulk-sender rules' list hygiene).
 * Policy and delivery stay unaware of each other; only relay-app knows both.
 */
final class HardBounceSuppression extends ForwardingSpool {
  private static final Logger log = LoggerFactory.getLogger(HardBounceSuppression.class);
  private final Suppressions suppressions;

  HardBounceSuppression(Spool spool, Suppressions suppressions) {
    super(spool);
    this.suppressions = suppressions;
  }

  @Override
  public CompletionStage<Void> settle(List<Settlement> settlements) {
    for (Settlement s : settlements) {
      if (s.outcome() instanceof RecipientOutcome.Bounced b && b.reply().isPresent() && isMailboxGone(b.reply().get().status())) {
        suppress(s);
      }
    }
    return spool.settle(settlements);
  }

  static boolean isMailboxGone(String status) {
    return status.startsWith("5.1.");
  }

  private void suppress(Settlement s) {
    try {
      spool.envelope(s.ref().messageId()).ifPresent(env -> {
        var rcpt = env.recipients().get(s.ref().index());
        suppressions.hardBounce(env.tenant(), rcpt.address(), "delivery:" + s.ref().messageId());
      });
    } catch (RuntimeException e) {
      log.warn("could not record the hard bounce of message {} recipient {} as a suppression", s.ref().messageId(),
          s.ref().index(), e);
    }
  }
}
