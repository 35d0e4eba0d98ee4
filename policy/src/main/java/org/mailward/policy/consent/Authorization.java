package org.mailward.policy.consent;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.Purpose;

/**
 * A recipient's authorization as the registry keeps it: which purposes it covers, when it was
 * granted, when it expires (required when it covers marketing: HIPAA authorizations are never
 * open-ended), whether and when it was revoked, and the evidence (a document id or hash, never
 * the document) and source it came from. {@code version} grows by one with every change.
 */
public record Authorization(
    Set<Purpose> purposes,
    Instant grantedAt,
    Optional<Instant> expiresAt,
    Optional<Instant> revokedAt,
    String evidence,
    String source,
    long version,
    Instant updatedAt) {

  public Authorization {
    purposes = purposes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(purposes));
    if (purposes.isEmpty()) {
      throw new IllegalArgumentException("an authorization covers at least one purpose");
    }
    if (purposes.contains(Purpose.MARKETING) && expiresAt.isEmpty()) {
      throw new IllegalArgumentException("a marketing authorization needs an expiry");
    }
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(grantedAt)) {
      throw new IllegalArgumentException("expiry must be after the grant");
    }
    if (evidence.isBlank()) {
      throw new IllegalArgumentException("an authorization needs an evidence reference");
    }
  }

  /** Granted, not expired and not revoked at {@code now}, for {@code purpose}. */
  public boolean validFor(Purpose purpose, Instant now) {
    return purposes.contains(purpose) && state(now) == State.VALID;
  }

  public State state(Instant now) {
    if (revokedAt.isPresent() && !revokedAt.get().isAfter(now)) {
      return State.REVOKED;
    }
    if (grantedAt.isAfter(now)) {
      return State.NOT_YET_VALID;
    }
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      return State.EXPIRED;
    }
    return State.VALID;
  }

  public enum State { VALID, NOT_YET_VALID, EXPIRED, REVOKED }

  Authorization revoked(Instant at, String by, long newVersion, Instant now) {
    return new Authorization(purposes, grantedAt, expiresAt, Optional.of(at), evidence, by, newVersion, now);
  }
}
