package org.mailward.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.api.BounceBreaker;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Spool;
import org.mailward.app.metrics.MetricNames;
import org.mailward.policy.consent.Suppressions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool as delivery sees it, with one addition: a recipient whose mailbox the
 * receiving server said does not exist is suppressed for every purpose of its
 * tenant, so the ESP's next campaign is refused at RCPT instead of bouncing again
 * (the bulk-sender rules' list hygiene). Policy and delivery stay unaware of each
 * other; only relay-app knows both.
 *
 * <p>What counts (docs/delivery.md, "Bounce classification"): only a bounce whose
 * reason is {@link DeliveryFailure.Kind#REMOTE_5XX} — a 5xx reply of the receiving
 * server in a real SMTP transaction — with a mailbox-level status: 5.1.1 (no such
 * mailbox), 5.1.6 (mailbox moved), 5.1.10 (null MX of the recipient's own
 * address, RFC 7505, when a server says it) or 5.2.1 (mailbox disabled). DNS
 * answers (NXDOMAIN 5.1.2, null MX 5.1.10 from DNS), unreachable hosts, TLS and
 * policy failures bounce the message and suppress nothing: they say nothing about
 * the mailbox. The suppression's source carries the evidence: message, MX, reply
 * (address-shaped words replaced); the store adds the time.
 *
 * <p>A per-domain circuit breaker (delivery.bounceBreaker.threshold and .window, 10 in 10 minutes by
 * default): more than {@code breakerThreshold} mailbox
 * bounces from one recipient domain within {@code breakerWindow} trip it, and
 * from then on that domain's bounces suppress nothing (a receiver answering
 * 550 5.1.1 to everyone must not wipe a tenant's list) until an operator calls
 * {@link #resetBreaker} (the admin API, through the {@link BounceBreaker} port). Trips and skipped suppressions are logged and counted.
 */
final class HardBounceSuppression extends ForwardingSpool implements BounceBreaker {
  private static final Logger log = LoggerFactory.getLogger(HardBounceSuppression.class);
  private static final Set<String> MAILBOX_STATUSES = Set.of("5.1.1", "5.1.6", "5.1.10", "5.2.1");

  private final Suppressions suppressions;
  private final Clock clock;
  private final int breakerThreshold;
  private final Duration breakerWindow;
  private final Map<String, Deque<Instant>> recent = new HashMap<>();
  private final Set<String> tripped = ConcurrentHashMap.newKeySet();
  private final LongAdder suppressed = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder trips = new LongAdder();

  HardBounceSuppression(Spool spool, Suppressions suppressions, Clock clock, int breakerThreshold, Duration breakerWindow) {
    super(spool);
    this.suppressions = suppressions;
    this.clock = clock;
    this.breakerThreshold = breakerThreshold;
    this.breakerWindow = breakerWindow;
  }

  @Override
  public CompletionStage<Void> settle(List<Settlement> settlements) {
    for (Settlement s : settlements) {
      if (s.outcome() instanceof RecipientOutcome.Bounced b && isMailboxGone(b)) {
        suppress(s, b);
      }
    }
    return spool.settle(settlements);
  }

  /** A permanent, mailbox-level reply of the receiving server in an SMTP transaction; never a DNS or local verdict. */
  static boolean isMailboxGone(RecipientOutcome.Bounced b) {
    return b.reason().kind() == DeliveryFailure.Kind.REMOTE_5XX && b.reply().isPresent()
        && MAILBOX_STATUSES.contains(b.reply().get().status());
  }

  private void suppress(Settlement s, RecipientOutcome.Bounced b) {
    try {
      spool.envelope(s.ref().messageId()).ifPresent(env -> {
        var rcpt = env.recipients().get(s.ref().index());
        String domain = rcpt.address().domain().toLowerCase(java.util.Locale.ROOT);
        if (!admit(domain)) {
          skipped.increment();
          return;
        }
        String mx = b.tls().map(t -> t.mxHost()).orElse("unknown");
        String reply = b.reply().get().withoutAddresses();
        if (suppressions.hardBounce(env.tenant(), rcpt.address(), "delivery:" + s.ref().messageId() + " mx=" + mx + " reply=" + reply)) {
          suppressed.increment();
        }
      });
    } catch (RuntimeException e) {
      log.warn("could not record the hard bounce of message {} recipient {} as a suppression", s.ref().messageId(),
          s.ref().index(), e);
    }
  }

  /** Counts a mailbox bounce for {@code domain}; false once the domain's breaker is open. */
  private synchronized boolean admit(String domain) {
    if (tripped.contains(domain)) {
      return false;
    }
    Instant now = clock.instant();
    Deque<Instant> times = recent.computeIfAbsent(domain, d -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(breakerWindow))) {
      times.pollFirst();
    }
    times.addLast(now);
    if (times.size() > breakerThreshold) {
      tripped.add(domain);
      recent.remove(domain);
      trips.increment();
      log.warn("hard-bounce breaker tripped for domain {}: more than {} mailbox bounces within {}; its bounces no longer "
          + "suppress recipients until an operator resets it", domain, breakerThreshold, breakerWindow);
      return false;
    }
    return true;
  }

  /** An operator's decision: the domain's mailbox bounces suppress again. True when it was tripped. */
  boolean resetBreaker(String domain) {
    boolean was = tripped.remove(domain.toLowerCase(java.util.Locale.ROOT));
    if (was) {
      log.info("hard-bounce breaker reset for domain {}", domain);
    }
    return was;
  }

  /** Domains whose breaker is open. */
  Set<String> trippedDomains() {
    return Set.copyOf(tripped);
  }

  @Override
  public Set<String> tripped() {
    return trippedDomains();
  }

  @Override
  public boolean reset(String domain) {
    return resetBreaker(domain);
  }

  long suppressedCount() {
    return suppressed.sum();
  }

  long skippedCount() {
    return skipped.sum();
  }

  long tripCount() {
    return trips.sum();
  }

  /** Exports the counters and the number of open breakers (names in MetricNames, documented in docs/metrics.md). */
  void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.HARDBOUNCE_SUPPRESSED, this,
        HardBounceSuppression::suppressedCount).register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.HARDBOUNCE_SKIPPED, this,
        HardBounceSuppression::skippedCount).register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.HARDBOUNCE_BREAKER_TRIPS, this,
        HardBounceSuppression::tripCount).register(registry);
    io.micrometer.core.instrument.Gauge.builder(MetricNames.HARDBOUNCE_BREAKERS_OPEN, tripped, Set::size).register(registry);
  }
}
