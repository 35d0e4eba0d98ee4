package org.mailward.core.inbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditHealth;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the audit journal so that no failed append goes unnoticed: the append
 * never throws to its caller, but the failure is counted
 * ({@code mailward_audit_append_failures_total}), logged once per outage, and
 * turns {@link #health()} to {@code FAILING} — which makes the inbound server
 * refuse new mail with {@code 451 4.3.0} (HIPAA §164.312(b): no unaudited
 * processing) and is there for delivery to pause on. While failing, at most once
 * per {@code probeEvery} a {@code health()} call tries to append an
 * {@code audit.resumed} record (when the failure began, how many events were
 * lost); the first append that succeeds ends the outage, so the journal itself
 * says where it has a gap. A journal that reports its own {@code FAILING} health
 * (one that writes later, in a group sync) is passed through.
 *
 * <p>Does not: retry or buffer the lost events (a buffer would hide the outage
 * and could not be made durable either). Thread-safe; appends stay non-blocking
 * as long as the wrapped journal's are.
 */
public final class AuditGuard implements AuditJournal {
  private static final Logger LOG = LoggerFactory.getLogger(AuditGuard.class);
  private final AuditJournal journal;
  private final Clock clock;
  private final long probeEveryMillis;
  private final LongAdder failures;
  private long failingSince = -1; // guarded by this
  private long nextProbe;         // guarded by this
  private long lost;              // guarded by this
  private volatile boolean failing;

  /** @param failures counts appends that failed (events lost) */
  public AuditGuard(AuditJournal journal, Clock clock, Duration probeEvery, LongAdder failures) {
    this.journal = journal;
    this.clock = clock;
    this.probeEveryMillis = probeEvery.toMillis();
    this.failures = failures;
  }

  /** Never throws: a failure is counted, logged once per outage and reported by {@link #health()}. */
  @Override
  public void append(AuditEvent event) {
    try {
      journal.append(event);
    } catch (RuntimeException e) {
      failed(event.type(), e);
      return;
    }
    if (failing) {
      resume();
    }
  }

  /** Never throws; completes {@code false} when the record is lost (counted and logged as by {@link #append}). */
  @Override
  public java.util.concurrent.CompletableFuture<Boolean> appendDurably(AuditEvent event) {
    java.util.concurrent.CompletableFuture<Boolean> durable;
    try {
      durable = journal.appendDurably(event);
    } catch (RuntimeException e) {
      failed(event.type(), e);
      return java.util.concurrent.CompletableFuture.completedFuture(false);
    }
    if (failing) {
      resume();
    }
    return durable;
  }

  @Override
  public AuditHealth health() {
    AuditHealth own = journal.health();
    if (!own.recording()) {
      return own;
    }
    if (!failing) {
      return AuditHealth.ok();
    }
    synchronized (this) {
      if (failing && clock.millis() >= nextProbe) {
        nextProbe = clock.millis() + probeEveryMillis;
        resume();
      }
      return failing ? AuditHealth.failing(Instant.ofEpochMilli(failingSince)) : AuditHealth.ok();
    }
  }

  @Override
  public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
    return journal.query(from, to, messageId, limit);
  }

  @Override
  public Optional<Long> verifyChain() {
    return journal.verifyChain();
  }

  private synchronized void failed(String type, RuntimeException e) {
    failures.increment();
    lost++;
    if (!failing) {
      failingSince = clock.millis();
      nextProbe = failingSince + probeEveryMillis;
      failing = true;
      LOG.error("audit journal append failed ({} record lost: {}); refusing new mail with 451 4.3.0 until it records again",
          type, CaughtFailures.describe(e));
    }
  }

  /** Records the gap; if that append succeeds the outage is over. */
  private synchronized void resume() {
    if (!failing) {
      return;
    }
    Instant since = Instant.ofEpochMilli(failingSince);
    try {
      journal.append(new AuditEvent(clock.instant(), "audit.resumed", Optional.empty(), Optional.empty(),
          Map.of("failing-since", since.toString(), "lost", Long.toString(lost))));
    } catch (RuntimeException e) {
      failures.increment(); // still failing: counted, not logged again
      return;
    }
    LOG.info("audit journal records again after {} ms; {} records were lost (noted as audit.resumed)",
        clock.millis() - failingSince, lost);
    failing = false;
    failingSince = -1;
    lost = 0;
  }
}
