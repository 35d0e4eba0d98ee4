package org.mailward.app;

import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.mailward.api.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool as delivery claims from it: while the audit journal is not recording
 * ({@code AuditJournal.health()}), no recipient is due, so delivery pauses
 * instead of delivering unaudited (HIPAA §164.312(b)); attempts already under way
 * finish and settle. The pause and its end are logged once each. Everything else
 * passes through. relay-app's wiring only: delivery knows nothing of it.
 */
final class AuditPausedSpool extends ForwardingSpool {
  private static final Logger log = LoggerFactory.getLogger(AuditPausedSpool.class);
  private final BooleanSupplier auditRecording;
  private volatile boolean paused;

  /** @param auditRecording cheap: {@code () -> audit.health().recording()} */
  AuditPausedSpool(Spool spool, BooleanSupplier auditRecording) {
    super(spool);
    this.auditRecording = auditRecording;
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit) {
    return recording() ? spool.claimDue(now, limit) : List.of();
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    return recording() ? spool.claimDue(now, limit, order) : List.of();
  }

  private boolean recording() {
    boolean recording = auditRecording.getAsBoolean();
    if (recording == paused) {
      paused = !recording;
      if (paused) {
        log.warn("delivery paused: the audit journal is not recording");
      } else {
        log.info("delivery resumed: the audit journal records again");
      }
    }
    return recording;
  }
}
