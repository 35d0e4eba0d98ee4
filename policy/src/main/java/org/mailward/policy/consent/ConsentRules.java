package org.mailward.policy.consent;

import java.time.Instant;
import java.util.Optional;
import org.mailward.api.Purpose;
import org.mailward.api.RecipientVerdict;
import org.mailward.policy.PolicyRules;

/**
 * The decision for one recipient and purpose, from what the registry holds. Pure: no I/O, no
 * clock of its own. Order: a suppression for the purpose refuses first; marketing then needs a
 * valid authorization; fundraising is opt-out; treatment, operations and transactional mail need
 * no authorization.
 */
public final class ConsentRules {
  private ConsentRules() {}

  public static RecipientVerdict decide(RecipientState state, Purpose purpose, Instant now) {
    Optional<Suppression.Entry> suppressed = state.suppression().forPurpose(purpose);
    if (suppressed.isPresent()) {
      String rule = purpose == Purpose.FUNDRAISING && suppressed.get().reason() == SuppressionReason.UNSUBSCRIBE
          ? PolicyRules.FUNDRAISING_OPTED_OUT
          : PolicyRules.suppression(suppressed.get().reason().label());
      return refuse(rule);
    }
    if (purpose != Purpose.MARKETING) {
      return new RecipientVerdict.Accept(PolicyRules.purpose(purpose));
    }
    if (state.authorization().isEmpty() || !state.authorization().get().purposes().contains(Purpose.MARKETING)) {
      return refuse(PolicyRules.CONSENT_MISSING);
    }
    return switch (state.authorization().get().state(now)) {
      case VALID -> new RecipientVerdict.Accept(PolicyRules.CONSENT_AUTHORIZED);
      case EXPIRED -> refuse(PolicyRules.CONSENT_EXPIRED);
      case REVOKED -> refuse(PolicyRules.CONSENT_REVOKED);
      case NOT_YET_VALID -> refuse(PolicyRules.CONSENT_NOT_YET_VALID);
    };
  }

  private static RecipientVerdict refuse(String rule) {
    return new RecipientVerdict.Refuse(PolicyRules.refused(rule), rule);
  }
}
