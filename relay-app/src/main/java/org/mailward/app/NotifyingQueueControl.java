package org.mailward.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.QueueControl;
import org.mailward.api.Spool;
import org.mailward.app.metrics.MetricNames;
import org.mailward.delivery.dsn.DsnWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's {@link QueueControl} with what its bounce leaves to the caller: the sender's DSN,
 * like Postfix's {@code postsuper -b}. An operator's bounce first spools one RFC 3464 failure
 * notice for the message's unfinished recipients ({@link DsnWriter#bouncedByOperator}: status
 * 5.0.0, "bounced by operator", none for a null sender or NOTIFY=NEVER), appends a
 * {@code queue.bounce.dsn} audit record (message id, tenant, recipients, the DSN's id; no
 * address), and only then settles the recipients as bounced. So a crash between the two repeats
 * the DSN on the operator's retry of the bounce but never loses it; a DSN the spool does not take
 * fails the bounce and nothing is settled. Each bounce is logged once and counted
 * ({@code mailward.queue.operator.bounces} by {@code dsn}: spooled, not-owed, failed). Every
 * other call passes through. Does not audit the action itself (the admin API does).
 */
final class NotifyingQueueControl implements QueueControl {
  private static final Logger log = LoggerFactory.getLogger(NotifyingQueueControl.class);
  private final QueueControl queue;
  private final Spool spool;
  private final DsnWriter dsn;
  private final AuditJournal audit;
  private final Clock clock;
  private final Counter spooled;
  private final Counter notOwed;
  private final Counter failed;

  /** @param registry where the bounce counter goes (an empty {@code CompositeMeterRegistry} when metrics are off) */
  NotifyingQueueControl(QueueControl queue, Spool spool, DsnWriter dsn, AuditJournal audit, MeterRegistry registry, Clock clock) {
    this.queue = queue;
    this.spool = spool;
    this.dsn = dsn;
    this.audit = audit;
    this.clock = clock;
    this.spooled = counter(registry, "spooled");
    this.notOwed = counter(registry, "not-owed");
    this.failed = counter(registry, "failed");
  }

  private static Counter counter(MeterRegistry registry, String dsn) {
    return Counter.builder(MetricNames.QUEUE_OPERATOR_BOUNCES)
        .description("operator bounces (admin API) by what became of the sender's DSN").tag("dsn", dsn).register(registry);
  }

  @Override
  public CompletionStage<Integer> bounce(MessageId id) {
    Optional<QueuedMessage> message = queue.message(id);
    Optional<Envelope> envelope = spool.envelope(id);
    if (message.isEmpty() || envelope.isEmpty()) {
      return queue.bounce(id); // finished meanwhile: nothing to notify, the spool answers 0
    }
    List<Integer> recipients = message.get().recipients().stream().map(QueuedRecipient::index).toList();
    CompletionStage<Optional<MessageId>> notice;
    try {
      notice = dsn.bouncedByOperator(envelope.get(), recipients);
    } catch (RuntimeException e) {
      notice = CompletableFuture.failedFuture(e);
    }
    return notice.whenComplete((d, e) -> {
      if (e != null) {
        failed.increment();
        log.warn("operator bounce of message {} not done: its DSN was not spooled ({}); nothing was settled", id,
            e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause().toString() : e.toString());
      }
    }).thenCompose(d -> {
      String why = d.isPresent() ? "spooled" : envelope.get().reversePath().isEmpty() ? "null-sender" : "notify";
      // appended before the settlement: the journal is written in the same ordered group commit, so the
      // record is durable once the bounce is
      audit.append(new AuditEvent(clock.instant(), "queue.bounce.dsn", Optional.of(id), Optional.of(message.get().tenant()),
          Map.of("recipients", Integer.toString(recipients.size()), "dsn", d.map(MessageId::toString).orElse("none"),
              "reason", why)));
      return queue.bounce(id).thenApply(n -> {
        (d.isPresent() ? spooled : notOwed).increment();
        log.info("operator bounce of message {}: {} recipients settled as bounced; DSN {}", id, n,
            d.map(MessageId::toString).orElse("not owed (" + why + ")"));
        return n;
      });
    });
  }

  @Override
  public List<QueuedMessage> list(Optional<QueueState> state, Optional<String> domain, int limit) {
    return queue.list(state, domain, limit);
  }

  @Override
  public Optional<QueuedMessage> message(MessageId id) {
    return queue.message(id);
  }

  @Override
  public List<DestinationShape> shape(Instant now, List<Duration> bucketUpperBounds) {
    return queue.shape(now, bucketUpperBounds);
  }

  @Override
  public CompletionStage<Integer> hold(MessageId id) {
    return queue.hold(id);
  }

  @Override
  public CompletionStage<Integer> release(MessageId id) {
    return queue.release(id);
  }

  @Override
  public CompletionStage<Integer> retryNow(Selector selector) {
    return queue.retryNow(selector);
  }

  @Override
  public CompletionStage<Integer> delete(MessageId id) {
    return queue.delete(id);
  }

  @Override
  public CompletionStage<Void> suspend(String domain) {
    return queue.suspend(domain);
  }

  @Override
  public CompletionStage<Void> resume(String domain) {
    return queue.resume(domain);
  }

  @Override
  public Set<String> suspendedDomains() {
    return queue.suspendedDomains();
  }
}
