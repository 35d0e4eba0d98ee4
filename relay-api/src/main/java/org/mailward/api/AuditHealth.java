package org.mailward.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the audit journal is recording. Cheap to read on a hot path. While it
 * is {@code FAILING} nothing may be processed unaudited (HIPAA §164.312(b)):
 * inbound refuses new mail with {@code 451 4.3.0} and delivery pauses.
 *
 * @param since when the failure began (empty when OK)
 * @param reason why it is failing ({@code NONE} when OK)
 */
public record AuditHealth(State state, Optional<Instant> since, Reason reason) {
  public enum State { OK, FAILING }

  /** Why the journal is not recording. */
  public enum Reason {
    NONE,
    /** an append threw: the journal refused the record (counted by the caller's guard) */
    APPEND_REFUSED,
    /** a record could not be written to the journal file or its index (disk full, I/O error) */
    WRITE_FAILED,
    /** the group sync that makes records durable failed (fsync or the index write) */
    SYNC_FAILED
  }

  private static final AuditHealth OK = new AuditHealth(State.OK, Optional.empty(), Reason.NONE);

  /** Failing with reason {@code APPEND_REFUSED} when {@code since} is present. */
  public AuditHealth(State state, Optional<Instant> since) {
    this(state, since, state == State.OK ? Reason.NONE : Reason.APPEND_REFUSED);
  }

  public static AuditHealth ok() {
    return OK;
  }

  /** Failing because an append was refused (the reason a guard around the journal sees). */
  public static AuditHealth failing(Instant since) {
    return failing(since, Reason.APPEND_REFUSED);
  }

  public static AuditHealth failing(Instant since, Reason reason) {
    return new AuditHealth(State.FAILING, Optional.of(since), reason);
  }

  public boolean recording() {
    return state == State.OK;
  }
}
