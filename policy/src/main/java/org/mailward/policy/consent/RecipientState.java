package org.mailward.policy.consent;

import java.util.Optional;

/** What the registry holds for one recipient of one tenant; what the consent cache keeps. */
public record RecipientState(Optional<Authorization> authorization, Suppression suppression) {
  public static final RecipientState EMPTY = new RecipientState(Optional.empty(), Suppression.none());
}
