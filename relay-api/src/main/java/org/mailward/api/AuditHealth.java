package org.mailward.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the audit journal is recording. Cheap to read on a hot path. While it
 * is {@code FAILING} nothing may be processed unaudited (HIPAA §164.312(b)):
 * inbound refuses new mail with {@code 451 4.3.0} and delivery pauses.
 *
 * @param since when the failure began (empty when OK)
 */
public record AuditHealth(State state, Optional<Instant> since) {
  public enum State { OK, FAILING }

  private static final AuditHealth OK = new AuditHealth(State.OK, Optional.empty());

  public static AuditHealth ok() {
    return OK;
  }

  public static AuditHealth failing(Instant since) {
    return new AuditHealth(State.FAILING, Optional.of(since));
  }

  public boolean recording() {
    return state == State.OK;
  }
}
