package org.mailward.api;

import java.util.Locale;
import java.util.Optional;

/**
 * An operator's TLS policy for one destination domain, like a Postfix {@code smtp_tls_policy_maps}
 * entry, set through the admin API as a control-plane record and read by delivery on every
 * attempt. Two kinds:
 *
 * <ul>
 *   <li>a <b>floor</b> ({@code exception} false): every message to the domain needs at least
 *       {@code level} ({@link SecurityLevel#VERIFY}, {@link SecurityLevel#DANE}, or {@link
 *       SecurityLevel#ENCRYPT}, which is the floor anyway). It only ever raises a level.
 *   <li>an <b>exception</b> ({@code exception} true, level {@link SecurityLevel#ENCRYPT}, a
 *       {@code note} saying why): the destination's own MTA-STS and DANE are set aside for mail
 *       whose own level is ENCRYPT — for a destination whose published policy is broken. Mail that
 *       policy or REQUIRETLS marked VERIFY or stronger is never relaxed, and plaintext is never
 *       an option.
 * </ul>
 *
 * @param domain the destination domain, lower case, without a trailing dot
 * @param note the operator's reason (required for an exception); no PHI belongs here
 */
public record DestinationTlsPolicy(String domain, SecurityLevel level, boolean exception, Optional<String> note) {
  public DestinationTlsPolicy {
    domain = domain.toLowerCase(Locale.ROOT);
    if (level == SecurityLevel.PORTAL) {
      throw new IllegalArgumentException("a destination TLS policy is encrypt, verify or dane");
    }
    if (exception && level != SecurityLevel.ENCRYPT) {
      throw new IllegalArgumentException("an exception sets the destination's policy aside only at level encrypt");
    }
    if (exception && note.filter(n -> !n.isBlank()).isEmpty()) {
      throw new IllegalArgumentException("an exception needs a note saying why");
    }
  }
}
