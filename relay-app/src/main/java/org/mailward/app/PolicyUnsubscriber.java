package org.mailward.app;

import org.mailward.policy.unsubscribe.Unsubscribes;
import org.mailward.portal.unsubscribe.Unsubscriber;

/**
 * Adapts the policy module's revocation service to the portal's {@link Unsubscriber} port, so the
 * portal depends on relay-api only. Store failures propagate; the portal answers them with 503.
 */
final class PolicyUnsubscriber implements Unsubscriber {
  private final Unsubscribes unsubscribes;

  PolicyUnsubscriber(Unsubscribes unsubscribes) {
    this.unsubscribes = unsubscribes;
  }

  @Override
  public Outcome unsubscribe(String token) {
    Unsubscribes.Result result = unsubscribes.revoke(token);
    if (result instanceof Unsubscribes.Result.Revoked r) {
      return new Outcome.Unsubscribed(r.tenant(), r.purpose(), r.alreadySuppressed(), r.forwardTo());
    }
    String reason = ((Unsubscribes.Result.Rejected) result).reason();
    return reason.equals("expired")
        ? new Outcome.Rejected(Why.EXPIRED, reason)
        : new Outcome.Rejected(Why.INVALID, reason.startsWith("invalid: ") ? reason.substring(9) : reason);
  }
}
