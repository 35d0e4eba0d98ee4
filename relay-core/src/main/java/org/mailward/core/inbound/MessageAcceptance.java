package org.mailward.core.inbound;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.mailward.api.AuditEvent;
import org.mailward.api.Envelope;
import org.mailward.api.MessageVerdict;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.api.Tenant;
import org.mailward.api.Transaction;

/**
 * End of data: asks policy for its verdict (with a timeout, failing closed),
 * checks that the audit journal records, builds the envelope, commits it and
 * answers {@code 250} only once the commit is durable. Returns the reply to
 * send; never completes exceptionally. A message whose own {@code message.accepted}
 * record then fails to append is kept (it is durable; a 4xx now would make the
 * ESP send it twice): the guard counts the lost record and notes it in
 * {@code audit.resumed}.
 */
final class MessageAcceptance {
  private static final SmtpReply TEMP = SmtpReply.of(451, "4.3.0", "Temporary failure, try again later");
  static final SmtpReply AUDIT_DOWN = SmtpReply.of(451, "4.3.0", "Audit journal unavailable, try again later");
  private final AuditGuard audit;
  private final Clock clock;
  private final Duration policyTimeout;
  private final InboundMetrics metrics;
  private final CaughtFailures failures;

  MessageAcceptance(AuditGuard audit, Clock clock, Duration policyTimeout, InboundMetrics metrics, CaughtFailures failures) {
    this.audit = audit;
    this.clock = clock;
    this.policyTimeout = policyTimeout;
    this.metrics = metrics;
    this.failures = failures;
  }

  CompletionStage<SmtpReply> finish(InboundMessage message, Transaction tx, List<Recipient> accepted, ScheduledExecutorService timer) {
    message.markFinishing();
    Tenant tenant = tx.session().tenant();
    return Stages.within(() -> message.inspection.finish(accepted), policyTimeout, timer)
        .handleAsync((verdict, error) -> {
          if (error != null || verdict == null) {
            failures.record("policy verdict at end of data", Optional.of(tx.messageId()),
                error != null ? Stages.unwrap(error) : new IllegalStateException("no verdict"));
            message.writer.abort();
            metrics.messagesTempFailed.increment();
            return CompletableFuture.completedFuture(TEMP);
          }
          if (verdict instanceof MessageVerdict.Refuse refuse) {
            message.writer.abort();
            metrics.messagesRefused.increment();
            audit("message.refused", tx, Map.of("rule", refuse.rule(), "code", refuse.reply().status()));
            return CompletableFuture.completedFuture(refuse.reply());
          }
          return commit(message, tx, accepted, tenant, (MessageVerdict.Accept) verdict);
        }, timer)
        .thenCompose(s -> s);
  }

  private CompletionStage<SmtpReply> commit(InboundMessage message, Transaction tx, List<Recipient> accepted, Tenant tenant,
      MessageVerdict.Accept verdict) {
    if (!audit.health().recording()) {
      message.writer.abort();
      metrics.messagesTempFailed.increment();
      metrics.auditRefusals.increment();
      return CompletableFuture.completedFuture(AUDIT_DOWN);
    }
    Envelope envelope;
    List<Spool.Settlement> presettled = new ArrayList<>();
    CompletionStage<Void> committed;
    try {
      SecurityLevel level = tenant.defaultLevel()
          .strictest(tx.parameters().requireTls() ? SecurityLevel.VERIFY : SecurityLevel.ENCRYPT)
          .strictest(verdict.requiredLevel());
      envelope = new Envelope(tx.messageId(), tenant.id(), tx.reversePath(), tx.parameters(), accepted, verdict.purpose(), level,
          tenant.fallback(), verdict.headerEdits(), verdict.dkimSign(), clock.instant(), tx.session().sessionId());
      for (MessageVerdict.Dropped d : verdict.dropped()) {
        presettled.add(new Spool.Settlement(envelope.ref(d.index()), new RecipientOutcome.Dropped(d.rule())));
      }
      // The acceptance's record is made durable with the message (one group sync when the spool
      // keeps the journal): a crash after the 250 never leaves the message without its record.
      committed = message.writer.commit(envelope, presettled, acceptedRecord(tx, envelope, accepted.size(), presettled.size(),
          message.bodyBytes(), verdict), audit);
    } catch (SpoolException e) {
      failures.record("spool commit", Optional.of(tx.messageId()), e);
      message.writer.abort();
      metrics.messagesTempFailed.increment();
      return CompletableFuture.completedFuture(e.reply());
    } catch (RuntimeException e) {
      failures.record("envelope or spool commit", Optional.of(tx.messageId()), e);
      message.writer.abort();
      metrics.messagesTempFailed.increment();
      return CompletableFuture.completedFuture(TEMP);
    }
    long size = message.bodyBytes();
    return committed.handle((ok, error) -> {
      if (error != null) {
        Throwable cause = Stages.unwrap(error);
        failures.record("spool commit", Optional.of(tx.messageId()), cause);
        message.writer.abort();
        metrics.messagesTempFailed.increment();
        return cause instanceof SpoolException se ? se.reply() : TEMP;
      }
      metrics.messagesAccepted.increment();
      metrics.bytesAccepted.add(size);
      return SmtpReply.of(250, "2.0.0", "Ok: queued as " + tx.messageId());
    });
  }

  private AuditEvent acceptedRecord(Transaction tx, Envelope envelope, int recipients, int dropped, long size,
      MessageVerdict.Accept verdict) {
    Map<String, String> facts = new TreeMap<>();
    facts.put("recipients", Integer.toString(recipients));
    facts.put("dropped", Integer.toString(dropped));
    facts.put("size", Long.toString(size));
    facts.put("tls", tx.session().tlsProtocol().orElse("none"));
    facts.put("level", envelope.requiredLevel().label());
    facts.put("purpose", verdict.purpose().label());
    facts.put("evidence", verdict.evidence().stream().map(h -> h.rule() + ":" + h.count()).collect(Collectors.joining(",")));
    return new AuditEvent(clock.instant(), "message.accepted", Optional.of(tx.messageId()),
        Optional.of(tx.session().tenant().id()), facts);
  }

  /** Through the guard: never throws; a failure is counted, logged once and turns acceptance off. */
  private void audit(String type, Transaction tx, Map<String, String> facts) {
    audit.append(new AuditEvent(clock.instant(), type, Optional.of(tx.messageId()), Optional.of(tx.session().tenant().id()), facts));
  }
}
