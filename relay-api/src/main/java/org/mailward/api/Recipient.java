package org.mailward.api;

import java.util.Optional;
import java.util.Set;

/**
 * One envelope recipient with its DSN parameters (RFC 3461).
 *
 * @param notifyOn empty means the default (FAILURE and DELAY); {@code NEVER} stands alone
 * @param originalRecipient the ORCPT value as given ({@code addr-type;xtext}), if any
 */
public record Recipient(EmailAddress address, Set<Notify> notifyOn, Optional<String> originalRecipient) {
  public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }

  public Recipient {
    notifyOn = Set.copyOf(notifyOn);
    if (notifyOn.contains(Notify.NEVER) && notifyOn.size() > 1) {
      throw new IllegalArgumentException("NOTIFY=NEVER cannot be combined with other values");
    }
  }

  public static Recipient of(EmailAddress address) {
    return new Recipient(address, Set.of(), Optional.empty());
  }

  /** Whether a DSN of this kind should go to the sender for this recipient. */
  public boolean wants(Notify kind) {
    if (notifyOn.isEmpty()) {
      return kind == Notify.FAILURE || kind == Notify.DELAY;
    }
    return notifyOn.contains(kind);
  }
}
