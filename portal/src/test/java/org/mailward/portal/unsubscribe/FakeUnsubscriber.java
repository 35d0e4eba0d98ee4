package org.mailward.portal.unsubscribe;

import java.net.URI;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;

/**
 * Stands in for the policy module's revocation service: a fixed set of valid tokens, a set of
 * those already used, a token prefix that simulates a store outage. Counts every call.
 */
final class FakeUnsubscriber implements Unsubscriber {
  static final TenantId CLINIC = new TenantId("clinic");
  static final String OUTAGE = "storedownAAAAAAAAAAAA";

  private final Set<String> valid;
  private final Optional<URI> forwardTo;
  private final Set<String> used = new HashSet<>();
  private final AtomicInteger calls = new AtomicInteger();

  FakeUnsubscriber(Set<String> valid, Optional<URI> forwardTo) {
    this.valid = Set.copyOf(valid);
    this.forwardTo = forwardTo;
  }

  @Override
  public synchronized Outcome unsubscribe(String token) {
    calls.incrementAndGet();
    if (token.equals(OUTAGE)) {
      throw new IllegalStateException("store closed");
    }
    if (!valid.contains(token)) {
      return new Outcome.Rejected(Why.INVALID, "bad signature");
    }
    return new Outcome.Unsubscribed(CLINIC, Purpose.MARKETING, !used.add(token), forwardTo);
  }

  int calls() {
    return calls.get();
  }
}
