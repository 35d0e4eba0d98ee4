package org.mailward.delivery.dsn;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.RecipientRef;

/**
 * Recipients that asked for NOTIFY=SUCCESS and were delivered to a server that
 * does not offer DSN, so Mailward owes the sender a "relayed" DSN (RFC 3461
 * 5.2.2); to a DSN server the request is passed on instead and nothing is owed.
 * The agent marks them when the reply comes, {@link DsnWriter} takes them when
 * the batch settles. Thread-safe; holds an entry only between those two moments.
 */
public final class RelayedNotices {
  private final Set<RecipientRef> owed = ConcurrentHashMap.newKeySet();

  public void owe(RecipientRef ref) {
    owed.add(ref);
  }

  /** Whether a notice is owed for {@code ref}; forgets it either way. */
  public boolean take(RecipientRef ref) {
    return owed.remove(ref);
  }
}
