// The spool as delivery sees it, counting every settled recipient: outcome, TLS
// version and verification, deferral and bounce reasons, MTA-STS/DANE results and
// the arrival-to-final latency. It sits where outcomes are settled, so relay-delivery
// needs no metrics library. Labels are bounded: tenant ids, configured destination
// groups, reason codes through Labels; never an address, a subject or a raw domain.
// Does not: change what is settled, or read envelopes beyond the ones the scheduler reads.
package org.mailward.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.TlsFacts;
import org.mailward.app.ForwardingSpool;

/** A {@link Spool} decorator; claims and envelopes pass through, settlements are counted then passed on. */
public final class MeteredSpool extends ForwardingSpool {
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
      Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4),
      Duration.ofDays(1), Duration.ofDays(5)};

  private final MeterRegistry registry;
  private final DestinationGroups groups;
  private final Clock clock;
  private final Labels tenants = new Labels(256);
  private final Labels statuses = new Labels(128);
  private final Labels verifications = new Labels(32);
  private final Labels sources = new Labels(16);
  private final Labels versions = new Labels(8);
  /** Claimed, not yet settled: what the counters need that a settlement does not carry. */
  private final ConcurrentHashMap<RecipientRef, String> claimedDomain = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<MessageId, Claim> claims = new ConcurrentHashMap<>();

  public MeteredSpool(Spool spool, MeterRegistry registry, DestinationGroups groups, Clock clock) {
    super(spool);
    this.registry = registry;
    this.groups = groups;
    this.clock = clock;
  }

  private static final class Claim {
    final AtomicInteger outstanding = new AtomicInteger();
    volatile String tenant = "unknown";
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit) {
    return track(spool.claimDue(now, limit));
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    return track(spool.claimDue(now, limit, order));
  }

  private List<DueRecipient> track(List<DueRecipient> due) {
    for (DueRecipient d : due) {
      if (claimedDomain.put(d.ref(), d.domain()) == null) {
        claims.computeIfAbsent(d.ref().messageId(), k -> new Claim()).outstanding.incrementAndGet();
      }
    }
    return due;
  }

  @Override
  public Optional<Envelope> envelope(MessageId id) {
    Optional<Envelope> env = spool.envelope(id);
    Claim c = claims.get(id);
    if (c != null && env.isPresent()) {
      c.tenant = tenants.of(env.get().tenant().value());
    }
    return env;
  }

  @Override
  public CompletionStage<Void> settle(List<Settlement> settlements) {
    for (Settlement s : settlements) {
      count(s);
    }
    return spool.settle(settlements);
  }

  private void count(Settlement s) {
    String domain = claimedDomain.remove(s.ref());
    String tenant = "unknown";
    Claim c = claims.get(s.ref().messageId());
    if (c != null) {
      tenant = c.tenant;
      if (domain != null && c.outstanding.decrementAndGet() <= 0) {
        claims.remove(s.ref().messageId(), c);
      }
    }
    String destination = groups.of(domain);
    RecipientOutcome o = s.outcome();
    Optional<TlsFacts> tls = tls(o);
    Tags common = Tags.of("tenant", tenant, "destination", destination);
    registry.counter(MetricNames.DELIVERY_RECIPIENTS, common.and("outcome", outcome(o),
        "tls_version", versions.of(tls.flatMap(TlsFacts::tlsVersion).orElse("none")),
        "tls_verified", tls.map(t -> Boolean.toString(t.verified())).orElse("none"))).increment();
    tls.ifPresent(t -> registry.counter(MetricNames.DELIVERY_TLS, "policy_source", sources.of(t.policySource()),
        "verification", verifications.of(t.verification()), "verified", Boolean.toString(t.verified())).increment());
    if (o instanceof RecipientOutcome.Deferred d) {
      registry.counter(MetricNames.DELIVERY_DEFERRALS, common.and("reason", reason(d.reason()), "status", status(d.reply())))
          .increment();
    } else if (o instanceof RecipientOutcome.Bounced b) {
      registry.counter(MetricNames.DELIVERY_BOUNCES, common.and("reason", reason(b.reason()), "status", status(b.reply())))
          .increment();
    }
    if (o.isFinal()) {
      long millis = clock.millis() - s.ref().messageId().epochMillis();
      Timer.builder(MetricNames.DELIVERY_LATENCY).description("message arrival to a recipient's final outcome")
          .tags("outcome", outcome(o), "destination", destination).serviceLevelObjectives(LATENCY_BUCKETS)
          .register(registry).record(Duration.ofMillis(Math.max(0, millis)));
    }
  }

  private static Optional<TlsFacts> tls(RecipientOutcome o) {
    if (o instanceof RecipientOutcome.Delivered d) {
      return Optional.of(d.tls());
    } else if (o instanceof RecipientOutcome.Deferred d) {
      return d.tls();
    } else if (o instanceof RecipientOutcome.Bounced b) {
      return b.tls();
    }
    return Optional.empty();
  }

  static String outcome(RecipientOutcome o) {
    if (o instanceof RecipientOutcome.Delivered) {
      return "delivered";
    } else if (o instanceof RecipientOutcome.Deferred) {
      return "deferred";
    } else if (o instanceof RecipientOutcome.Bounced) {
      return "bounced";
    } else if (o instanceof RecipientOutcome.HeldInPortal) {
      return "held_in_portal";
    }
    return "dropped";
  }

  /** The reason's kind (a closed set); its detail stays in the audit record and the log line. */
  private static String reason(DeliveryFailure reason) {
    return reason.kind().label();
  }

  private String status(Optional<SmtpReply> reply) {
    return reply.map(r -> statuses.of(r.status())).orElse("none");
  }
}
