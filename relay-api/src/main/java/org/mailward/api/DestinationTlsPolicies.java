package org.mailward.api;

import java.util.Optional;

/**
 * The destination TLS policies in force on this node (see {@link DestinationTlsPolicy}), as the
 * control-plane log last set them. Delivery asks once per attempt. Called on the delivery path: a
 * map look-up, no I/O, no lock.
 */
@FunctionalInterface
public interface DestinationTlsPolicies {
  /** No policy for any destination. */
  DestinationTlsPolicies NONE = domain -> Optional.empty();

  /** The policy of {@code domain} (lower case), if an operator set one. */
  Optional<DestinationTlsPolicy> policy(String domain);
}
