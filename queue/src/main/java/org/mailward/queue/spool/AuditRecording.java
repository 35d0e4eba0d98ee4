// Whether the spool's audit journal is recording, as the group commit finds out:
// a group whose audit records could not be written or synced loses its events
// (counted) and turns the health to FAILING (logged once per outage); the next
// group with audit events that becomes durable ends the outage. The writer
// thread says how many events a group carries (group), the writer or the syncer
// reports its outcome (lost / recorded); health() and lost() are lock-free reads.
// Does not: write anything itself, or retry lost events (ChronicleAuditJournal
// offers the audit.resumed probe that ends an outage when nothing else is audited).
package org.mailward.queue.spool;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.api.AuditHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class AuditRecording {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRecording.class);
  private final Clock clock;
  private final LongAdder lost = new LongAdder();
  private volatile int groupEvents; // written by the writer before the group goes to the syncer
  private volatile AuditHealth health = AuditHealth.ok();
  private volatile long lostInOutage; // written by the writer or the syncer, never both at once (one group at a time)

  AuditRecording(Clock clock) {
    this.clock = clock;
  }

  /** The group being closed carries {@code events} audit events. Writer thread. */
  void group(int events) {
    groupEvents = events;
  }

  /** The current group's audit events are lost: counted, and FAILING until a group is recorded. */
  void lost(AuditHealth.Reason reason, Throwable cause) {
    int n = groupEvents;
    groupEvents = 0;
    if (n == 0) {
      return; // this group audited nothing: the audit journal was not what failed
    }
    lost.add(n);
    lostInOutage += n;
    if (health.recording()) {
      health = AuditHealth.failing(clock.instant(), reason);
      LOG.error("audit journal not recording ({}): {} audit events lost: {}; refusing new mail with 451 4.3.0 "
          + "and pausing delivery until a write succeeds", reason, n, describe(cause));
    }
  }

  /** The current group is durable; if it carried audit events an outage is over. */
  void recorded() {
    int n = groupEvents;
    groupEvents = 0;
    AuditHealth h = health;
    if (n == 0 || h.recording()) {
      return;
    }
    long ms = clock.millis() - h.since().orElse(Instant.EPOCH).toEpochMilli();
    LOG.info("audit journal records again after {} ms; {} audit events were lost", ms, lostInOutage);
    lostInOutage = 0;
    health = AuditHealth.ok();
  }

  /** Events lost in the current outage (0 when recording). */
  long lostInOutage() {
    return lostInOutage;
  }

  AuditHealth health() {
    return health;
  }

  /** Audit events lost since start (exported as {@code mailward_audit_events_lost_total}). */
  long lost() {
    return lost.sum();
  }

  /** Exception classes from the outermost to the root, with the I/O messages (paths, errno text: no PHI). */
  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 400; c = c.getCause() == c ? null : c.getCause()) {
      sb.append(sb.length() > 0 ? " <- " : "").append(c.getClass().getSimpleName());
      if (c instanceof java.io.IOException || c instanceof java.io.UncheckedIOException) {
        sb.append(" (").append(c.getMessage()).append(')');
      }
    }
    return sb.toString();
  }
}
