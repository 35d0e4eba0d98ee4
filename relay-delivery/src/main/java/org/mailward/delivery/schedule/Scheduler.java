package org.mailward.delivery.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mailward.api.BodySource;
import org.mailward.api.DeliveryAgent;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.delivery.DeliveryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue manager: leases due recipients from the spool into a bounded
 * in-memory active set, groups them per destination domain, hands batches to
 * the {@link DeliveryAgent} within the global, per-domain and rate limits, and
 * settles the outcomes.
 *
 * <p>Design (after Postfix's qmgr): all state lives on one scheduler thread, so
 * there are no locks; the agent works asynchronously and posts its results back
 * to that thread. Claims alternate between the oldest-due and newest-due ends of
 * the spool's due index, and each domain keeps two lanes (fresh: no attempt yet;
 * deferred) that take turns when a batch is formed, so a backlog of deferred
 * mail never starves new mail. A deferred outcome past the queue lifetime
 * becomes a bounce; bounces go through the {@link BounceHook} (DSN) before they
 * are settled, so a crash can duplicate a DSN but never lose one. Outcomes are
 * settled per SMTP transaction as the agent reports them, not at the end of the
 * batch, so a crash repeats only the deliveries in flight. The thread
 * is never blocked on the network; {@link #tick()} may also be called directly
 * by tests with a fixed clock.
 */
public final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /**
   * Called with the outcomes of a batch before they are settled (DSN generation); may replace outcomes.
   * {@code dueAt} is when each recipient was due for this attempt.
   */
  @FunctionalInterface
  public interface BounceHook {
    CompletionStage<List<Spool.Settlement>> beforeSettle(List<Spool.Settlement> settlements, Map<MessageId, Envelope> envelopes,
        Map<RecipientRef, Instant> dueAt);
  }

  private final Spool spool;
  private final DeliveryAgent agent;
  private final BounceHook bounces;
  private final RetryPolicy retry;
  private final DeliveryConfig config;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final Map<String, Lanes> domains = new LinkedHashMap<>();
  private final Map<String, DestinationGate> gates = new HashMap<>();
  private final Set<String> throttledDomains = ConcurrentHashMap.newKeySet();
  private int active;
  private int inFlight;
  private boolean newestNext;
  private boolean running;

  private static final class Lanes {
    final ArrayDeque<Spool.DueRecipient> fresh = new ArrayDeque<>();
    final ArrayDeque<Spool.DueRecipient> deferred = new ArrayDeque<>();
    boolean freshTurn = true;

    boolean isEmpty() {
      return fresh.isEmpty() && deferred.isEmpty();
    }

    Spool.DueRecipient next() {
      ArrayDeque<Spool.DueRecipient> first = freshTurn ? fresh : deferred;
      ArrayDeque<Spool.DueRecipient> second = freshTurn ? deferred : fresh;
      freshTurn = !freshTurn;
      return first.isEmpty() ? second.poll() : first.poll();
    }
  }

  public Scheduler(Spool spool, DeliveryAgent agent, BounceHook bounces, RetryPolicy retry, DeliveryConfig config, Clock clock,
      ScheduledExecutorService thread) {
    this.spool = spool;
    this.agent = agent;
    this.bounces = bounces;
    this.retry = retry;
    this.config = config;
    this.clock = clock;
    this.thread = thread;
  }

  public void start() {
    thread.execute(() -> running = true);
    long ms = config.limits().pollInterval().toMillis();
    thread.scheduleWithFixedDelay(this::tick, 0, ms, TimeUnit.MILLISECONDS);
  }

  public void stop() {
    thread.execute(() -> running = false);
  }

  /** Called by the agent (any thread) when a destination answered 421 or 4.7.x. */
  public void throttled(String domain) {
    throttledDomains.add(domain);
  }

  /**
   * The destination's gate as the scheduler thread sees it (asked there, so the gate stays
   * single-threaded); a domain without a gate is unthrottled at the configured limits.
   */
  public CompletionStage<org.mailward.api.Destinations.Throttle> throttle(String domain) {
    return CompletableFuture.supplyAsync(() -> {
      DestinationGate g = gates.get(domain);
      int max = config.limits().perDomainConnections();
      double rate = config.limits().perDomainMessagesPerSecond();
      if (g == null) {
        return new org.mailward.api.Destinations.Throttle(java.util.Optional.empty(), max, max, rate);
      }
      java.time.Instant until = g.pausedUntil();
      return new org.mailward.api.Destinations.Throttle(clock.instant().isBefore(until) ? java.util.Optional.of(until)
          : java.util.Optional.empty(), g.concurrency(), max, rate);
    }, thread);
  }

  /** Recipients leased and not yet settled. Read on the scheduler thread or after it stopped. */
  public int active() {
    return active;
  }

  public int inFlight() {
    return inFlight;
  }

  /** One round: claim into the active set, then dispatch what the limits allow. */
  public void tick() {
    if (!running) {
      return;
    }
    try {
      claim();
      dispatch();
    } catch (RuntimeException e) {
      log.warn("scheduler round failed: {}", e.toString());
    }
  }

  private void claim() {
    int room = config.limits().maxActive() - active;
    if (room <= 0) {
      return;
    }
    Instant now = clock.instant();
    Spool.ClaimOrder order = newestNext ? Spool.ClaimOrder.NEWEST_DUE_FIRST : Spool.ClaimOrder.OLDEST_DUE_FIRST;
    newestNext = !newestNext;
    List<Spool.DueRecipient> due = spool.claimDue(now, Math.min(room, config.limits().claimBatch()), order);
    for (Spool.DueRecipient d : due) {
      Lanes l = domains.computeIfAbsent(d.domain(), k -> new Lanes());
      (d.attempts() == 0 ? l.fresh : l.deferred).add(d);
    }
    active += due.size();
  }

  private void dispatch() {
    boolean progress = true;
    while (progress && inFlight < config.limits().maxInFlight()) {
      progress = false;
      for (var it = domains.entrySet().iterator(); it.hasNext() && inFlight < config.limits().maxInFlight(); ) {
        var e = it.next();
        if (e.getValue().isEmpty()) {
          it.remove();
          continue;
        }
        DestinationGate gate = gates.computeIfAbsent(e.getKey(),
            k -> new DestinationGate(config.limits(), config.retry().throttleBackoff(), clock));
        int messages = gate.admit(config.smtp().messagesPerConnection());
        if (messages > 0 && start(e.getKey(), e.getValue(), gate, messages)) {
          progress = true;
        }
      }
    }
    gates.values().removeIf(g -> g.idle() && clock.instant().isAfter(g.pausedUntil()) && g.concurrency() == config.limits().perDomainConnections());
  }

  /** Forms and starts one batch of up to {@code maxMessages} messages for {@code domain}. */
  private boolean start(String domain, Lanes lanes, DestinationGate gate, int maxMessages) {
    Map<MessageId, List<Spool.DueRecipient>> byMessage = new LinkedHashMap<>();
    while (!lanes.isEmpty()) {
      Spool.DueRecipient d = lanes.next();
      List<Spool.DueRecipient> l = byMessage.get(d.ref().messageId());
      if (l == null) {
        if (byMessage.size() >= maxMessages) {
          (d.attempts() == 0 ? lanes.fresh : lanes.deferred).addFirst(d);
          break;
        }
        byMessage.put(d.ref().messageId(), l = new ArrayList<>());
      }
      l.add(d);
    }
    List<DeliveryAgent.Item> items = new ArrayList<>();
    Map<MessageId, Envelope> envelopes = new HashMap<>();
    Map<RecipientRef, Instant> dueAt = new HashMap<>();
    int recipients = 0;
    for (var e : byMessage.entrySet()) {
      Optional<Envelope> env = spool.envelope(e.getKey());
      Optional<BodySource> body = spool.body(e.getKey());
      if (env.isEmpty() || body.isEmpty()) {
        active -= e.getValue().size(); // finished meanwhile (e.g. by an admin): nothing to deliver or settle
        continue;
      }
      envelopes.put(e.getKey(), env.get());
      e.getValue().forEach(d -> dueAt.put(d.ref(), d.due()));
      int attempts = e.getValue().stream().mapToInt(Spool.DueRecipient::attempts).max().orElse(0);
      items.add(new DeliveryAgent.Item(env.get(), e.getValue().stream().map(d -> d.ref().index()).toList(), body.get(), attempts));
      recipients += e.getValue().size();
    }
    if (items.isEmpty()) {
      return false;
    }
    int count = recipients;
    inFlight++;
    gate.started(items.size());
    // Each transaction's outcomes are settled as soon as the agent has them (the spool group-commits them with
    // whatever else is pending), so a crash repeats only deliveries in flight, not the whole batch.
    Set<RecipientRef> settledEarly = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<List<Spool.Settlement>>> early = Collections.synchronizedList(new ArrayList<>());
    DeliveryAgent.EarlyOutcomes onEarly = done -> {
      done.forEach(d -> settledEarly.add(d.ref()));
      early.add(settle(done, envelopes, dueAt).toCompletableFuture());
    };
    CompletionStage<List<Spool.Settlement>> run;
    try {
      run = agent.deliver(new DeliveryAgent.DeliveryBatch(domain, items), onEarly);
    } catch (RuntimeException ex) { // logged once, below
      run = CompletableFuture.failedFuture(ex);
    }
    run.exceptionally(ex -> {
          log.warn("delivery agent failed for a batch of {} messages to domain {}; recipients deferred (local-error)", items.size(),
              domain, ex);
          return deferAll(items, settledEarly, DeliveryFailure.of(DeliveryFailure.Kind.LOCAL_ERROR, ex.getClass().getSimpleName()));
        })
        .thenCompose(s -> settle(s, envelopes, dueAt))
        .thenCompose(s -> CompletableFuture.allOf(early.toArray(CompletableFuture[]::new)).handle((v, ex) -> s))
        .whenComplete((s, ex) -> thread.execute(() -> {
          active -= count;
          inFlight--;
          gate.finished(throttledDomains.remove(domain));
          tick();
        }));
    return true;
  }

  /** Expiry, then DSNs, then the spool's durable record; a failed settlement is logged (its leases come back). */
  private CompletionStage<List<Spool.Settlement>> settle(List<Spool.Settlement> outcomes, Map<MessageId, Envelope> envelopes,
      Map<RecipientRef, Instant> dueAt) {
    return CompletableFuture.completedFuture(expire(outcomes, envelopes))
        .thenCompose(s -> bounces.beforeSettle(s, envelopes, dueAt).exceptionally(ex -> {
          log.warn("DSN step failed for {} recipients; settled without it", s.size(), ex);
          return s;
        }))
        .thenCompose(s -> spool.settle(s).handle((v, ex) -> {
          if (ex != null) {
            log.warn("settle failed for {} recipients: {}", s.size(), ex.toString());
          }
          return s;
        }));
  }

  /** Deferred past the queue lifetime becomes a bounce (status 4.4.7, as Postfix reports it). */
  private List<Spool.Settlement> expire(List<Spool.Settlement> in, Map<MessageId, Envelope> envelopes) {
    Instant now = clock.instant();
    List<Spool.Settlement> out = new ArrayList<>(in.size());
    for (Spool.Settlement s : in) {
      Envelope env = envelopes.get(s.ref().messageId());
      if (s.outcome() instanceof RecipientOutcome.Deferred d && env != null && retry.expired(now, env.receivedAt())) {
        out.add(new Spool.Settlement(s.ref(), RetryPolicy.expiredBounce(d)));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** Defers every recipient of the batch not already settled early. */
  private List<Spool.Settlement> deferAll(List<DeliveryAgent.Item> items, Set<RecipientRef> settledEarly, DeliveryFailure reason) {
    Instant now = clock.instant();
    List<Spool.Settlement> out = new ArrayList<>();
    for (DeliveryAgent.Item it : items) {
      for (int i : it.recipientIndexes()) {
        if (settledEarly.contains(it.envelope().ref(i))) {
          continue;
        }
        out.add(new Spool.Settlement(it.envelope().ref(i), new RecipientOutcome.Deferred(reason, Optional.empty(), Optional.empty(),
            retry.next(now, it.attempts() + 1, it.envelope().receivedAt()))));
      }
    }
    return out;
  }
}
