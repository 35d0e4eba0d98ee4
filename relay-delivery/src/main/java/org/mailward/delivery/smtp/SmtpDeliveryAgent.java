package org.mailward.delivery.smtp;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.mailward.api.DeliveryAgent;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.DeliveryFailure.Kind;
import org.mailward.api.DestinationTlsPolicies;
import org.mailward.api.DestinationTlsPolicy;
import org.mailward.api.MessageFinisher;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.TlsFacts;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.dsn.RelayedNotices;
import org.mailward.delivery.fallback.Fallback;
import org.mailward.delivery.route.MxHost;
import org.mailward.delivery.route.Route;
import org.mailward.delivery.route.Router;
import org.mailward.delivery.schedule.RetryPolicy;
import org.mailward.delivery.tls.DaneApplicability;
import org.mailward.delivery.tls.DaneResolver;
import org.mailward.delivery.tls.MtaSts;
import org.mailward.delivery.tls.MtaStsPolicy;
import org.mailward.delivery.tls.PeerVerifier;
import org.mailward.delivery.tls.Requirement;
import org.mailward.delivery.tls.TlsRequiredHeader;

/**
 * Delivers one batch (one destination domain) over SMTP and reports an
 * outcome per recipient.
 *
 * <p>Design: routing gives the MX hosts in order; for each host the TLS
 * requirement of every message is computed (envelope level, REQUIRETLS,
 * MTA-STS, DANE) and hosts that can never satisfy it are skipped before
 * connecting. A connection from the {@link ConnectionPool} is always TLS
 * (the pool QUITs servers without STARTTLS); after the handshake each message's
 * requirement is checked against the session, and only then MAIL/RCPT/DATA go
 * out, pipelined when offered. 2xx is Delivered, a 5xx reply Bounced, a 4xx or
 * a lost connection Deferred; a failure to connect or to reach the TLS level
 * moves on to the next host, and a recipient no host could take at its level
 * follows its {@link Fallback}. Everything is asynchronous; the body is written
 * from {@code bodyExecutor}.
 *
 * <p>No failure is silent: every way an attempt can end — a reply, DNS, TLS, the
 * wire, the spooled body, a bug — becomes a typed {@link DeliveryFailure} on the
 * recipient's outcome, an audit record ({@link AttemptAudit}) and one
 * {@link AttemptLog} line per group of recipients that ended alike. A deferral
 * past the queue lifetime is turned into its bounce here, so the line says what
 * really happened; DSNs are the scheduler's business.
 */
public final class SmtpDeliveryAgent implements DeliveryAgent {
  private final Router router;
  private final Optional<MtaSts> mtaSts;
  private final Optional<DaneApplicability> dane;
  private final ConnectionPool pool;
  private final PeerVerifier verifier;
  private final MessageFinisher finisher;
  private final Executor bodyExecutor;
  private final RetryPolicy retry;
  private final Fallback fallback;
  private final AttemptAudit audit;
  private final AttemptLog attemptLog;
  private final Consumer<String> throttled;
  private final RelayedNotices relayed;
  private final DeliveryConfig.Smtp smtp;
  private final DestinationTlsPolicies domainPolicies;
  private final LastOutcomes lastOutcomes;
  private final Clock clock;

  /**
   * @param domainPolicies the operators' per-destination TLS policies, read once per attempt
   * @param lastOutcomes where each attempt's outcome is remembered per destination (for operators)
   */
  public SmtpDeliveryAgent(Router router, Optional<MtaSts> mtaSts, Optional<DaneApplicability> dane, ConnectionPool pool,
      PeerVerifier verifier, MessageFinisher finisher, Executor bodyExecutor, RetryPolicy retry, Fallback fallback,
      AttemptAudit audit, AttemptLog attemptLog, Consumer<String> throttled, RelayedNotices relayed, DeliveryConfig.Smtp smtp,
      DestinationTlsPolicies domainPolicies, LastOutcomes lastOutcomes, Clock clock) {
    this.router = router;
    this.mtaSts = mtaSts;
    this.dane = dane;
    this.pool = pool;
    this.verifier = verifier;
    this.finisher = finisher;
    this.bodyExecutor = bodyExecutor;
    this.retry = retry;
    this.fallback = fallback;
    this.audit = audit;
    this.attemptLog = attemptLog;
    this.throttled = throttled;
    this.relayed = relayed;
    this.smtp = smtp;
    this.domainPolicies = domainPolicies;
    this.lastOutcomes = lastOutcomes;
    this.clock = clock;
  }

  /** One recipient's progress through this attempt. */
  static final class Rcpt {
    final int index;
    RecipientOutcome outcome;
    Requirement.Unmet unmet;
    boolean transientSeen;
    boolean portalOnly;
    boolean reportedEarly;
    DeliveryFailure lastReason = DeliveryFailure.of(Kind.NO_ROUTE, "not-attempted");
    Optional<SmtpReply> lastReply = Optional.empty();
    Optional<TlsFacts> lastTls = Optional.empty();
    String relay = "none";
    Optional<Instant> connected = Optional.empty();
    Optional<Instant> dataStarted = Optional.empty();
    Optional<Throwable> error = Optional.empty();

    Rcpt(int index) {
      this.index = index;
    }

    boolean open() {
      return outcome == null && !portalOnly;
    }
  }

  /** One message of the batch. */
  static final class Target {
    final String domain;
    final Item item;
    final Optional<EarlyOutcomes> early;
    final List<Rcpt> rcpts = new ArrayList<>();
    final Instant started;
    Optional<DestinationTlsPolicy> domainPolicy = Optional.empty();
    boolean tlsRequiredNo;
    Requirement requirement;

    Target(String domain, Item item, Instant started, Optional<EarlyOutcomes> early) {
      this.domain = domain;
      this.item = item;
      this.started = started;
      this.early = early;
      item.recipientIndexes().forEach(i -> rcpts.add(new Rcpt(i)));
    }

    List<Rcpt> open() {
      return rcpts.stream().filter(Rcpt::open).toList();
    }

    int attempt() {
      return item.attempts() + 1;
    }
  }

  @Override
  public CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch) {
    return deliver(batch, Optional.empty());
  }

  /** Each transaction's outcomes go to {@code early} once the receiver has answered it (see {@link #record}). */
  @Override
  public CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch, EarlyOutcomes early) {
    return deliver(batch, Optional.of(early));
  }

  private CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch, Optional<EarlyOutcomes> early) {
    Instant started = clock.instant();
    List<Target> targets = batch.items().stream().map(i -> new Target(batch.domain(), i, started, early)).toList();
    Optional<DestinationTlsPolicy> domainPolicy = domainPolicies.policy(batch.domain()); // read per attempt: no restart needed
    targets.forEach(t -> t.domainPolicy = domainPolicy);
    for (Target t : targets) {
      if (t.item.envelope().requiredLevel() == SecurityLevel.PORTAL) {
        t.rcpts.forEach(r -> {
          r.portalOnly = true;
          r.unmet = new Requirement.Unmet("portal-level", false, false);
          r.lastReason = DeliveryFailure.of(Kind.POLICY, "portal-level");
        });
      }
    }
    if (targets.stream().allMatch(t -> t.open().isEmpty())) {
      return settle(targets);
    }
    return router.resolve(batch.domain())
        .exceptionally(e -> new Route.TempFail("resolver failed: " + Failures.detail(e)))
        .thenCompose(route -> routed(batch.domain(), route, targets))
        .exceptionally(e -> {
          failed(targets, e);
          return null;
        })
        .thenCompose(v -> settle(targets));
  }

  /**
   * An exception escaped the attempt (a fault of Mailward's own, or of a peer not caught on the way): the
   * recipients still open are deferred with its typed reason, the attempt is audited, and the log line
   * written at settlement carries the exception once.
   */
  private void failed(List<Target> targets, Throwable e) {
    DeliveryFailure why = Failures.classify(e);
    Throwable cause = Failures.cause(e);
    for (Target t : targets) {
      List<Rcpt> open = t.open();
      if (open.isEmpty()) {
        continue;
      }
      for (Rcpt r : open) {
        r.lastReason = why;
        r.error = Optional.of(cause);
        r.transientSeen = true;
      }
      audit.attempt(t.item.envelope(), "none", Optional.empty(), Optional.empty(), t.attempt(), "failed", why.label(), List.of());
    }
  }

  private CompletionStage<Void> routed(String domain, Route route, List<Target> targets) {
    if (route instanceof Route.NullMx) {
      finalAll(targets, new RecipientOutcome.Bounced(DeliveryFailure.of(Kind.NULL_MX),
          Optional.of(SmtpReply.of(556, "5.1.10", "Recipient domain does not accept mail (null MX)")), Optional.empty()));
    } else if (route instanceof Route.NoSuchDomain) {
      finalAll(targets, new RecipientOutcome.Bounced(DeliveryFailure.of(Kind.DNS_NXDOMAIN),
          Optional.of(SmtpReply.of(550, "5.1.2", "Recipient domain not found")), Optional.empty()));
    } else if (route instanceof Route.TempFail f) {
      DeliveryFailure why = DeliveryFailure.of(Kind.DNS_TEMPFAIL);
      for (Target t : targets) {
        t.open().forEach(r -> {
          r.lastReason = why;
          r.transientSeen = true;
          r.lastReply = Optional.of(SmtpReply.of(451, "4.4.3", "Directory server failure: " + f.reason()));
        });
        audit.attempt(t.item.envelope(), "none", Optional.empty(), Optional.empty(), t.attempt(), "deferred", why.label(), List.of());
      }
    } else if (route instanceof Route.Hosts h) {
      CompletionStage<Optional<MtaStsPolicy>> sts = mtaSts.isPresent()
          ? mtaSts.get().policy(domain).exceptionally(e -> Optional.empty())
          : CompletableFuture.completedFuture(Optional.empty());
      CompletionStage<DaneApplicability.Destination> daneScope = dane.isPresent()
          ? dane.get().destination(h.mxOwner(), h.hosts().get(0).name())
          : CompletableFuture.completedFuture(new DaneApplicability.Destination.NotApplicable("dane-off", false));
      return sts.thenCombine(daneScope, (policy, scope) -> {
        if (scope instanceof DaneApplicability.Destination.NotApplicable n && n.indeterminate()) {
          targets.forEach(t -> audit.daneIndeterminate(t.item.envelope(), h.mxOwner().orElse(h.hosts().get(0).name()), n.why()));
        }
        return readTlsRequired(targets, policy.isPresent() || dane.isPresent())
            .thenCompose(v -> hosts(h.hosts(), 0, targets, policy, scope));
      }).thenCompose(x -> x);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** A final outcome decided by DNS alone (NXDOMAIN, null MX): no server was asked; audited as such. */
  private void finalAll(List<Target> targets, RecipientOutcome.Bounced o) {
    for (Target t : targets) {
      t.open().forEach(r -> r.outcome = o);
      audit.attempt(t.item.envelope(), "none", Optional.empty(), Optional.empty(), t.attempt(), "bounced", o.reason().label(),
          List.of());
    }
  }

  /** Reads {@code TLS-Required: No} only where it could matter (ENCRYPT mail without REQUIRETLS, destination policy possible). */
  private CompletionStage<Void> readTlsRequired(List<Target> targets, boolean destinationPolicyPossible) {
    if (!destinationPolicyPossible) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {
      for (Target t : targets) {
        if (t.item.envelope().requiredLevel() == SecurityLevel.ENCRYPT && !t.item.envelope().parameters().requireTls()) {
          try {
            t.tlsRequiredNo = TlsRequiredHeader.saysNo(t.item.body());
          } catch (java.io.IOException e) {
            t.tlsRequiredNo = false; // fail closed: the destination's policy applies; the delivery itself will read the body again
          }
        }
      }
    }, bodyExecutor);
  }

  private CompletionStage<Void> hosts(List<MxHost> hosts, int i, List<Target> targets, Optional<MtaStsPolicy> sts,
      DaneApplicability.Destination scope) {
    if (i >= hosts.size() || targets.stream().allMatch(t -> t.open().isEmpty())) {
      return CompletableFuture.completedFuture(null);
    }
    MxHost host = hosts.get(i);
    int port = host.addresses().get(0).getPort();
    CompletionStage<DaneResolver.Lookup> tlsa = dane.isPresent()
        ? dane.get().host(scope, host.name(), port)
        : CompletableFuture.completedFuture(new DaneResolver.Lookup.None("dane-off"));
    return tlsa.thenCompose(lookup -> {
      List<Target> candidates = new ArrayList<>();
      for (Target t : targets) {
        if (t.open().isEmpty()) {
          continue;
        }
        t.requirement = Requirement.of(t.item.envelope(), t.tlsRequiredNo, sts, lookup, t.domainPolicy);
        Optional<Requirement.Unmet> no = t.requirement.beforeConnect(host.name());
        if (no.isPresent()) {
          Optional<TlsFacts> f = Optional.of(facts(host.name(), Optional.empty(), false, no.get().reason(), t.requirement));
          for (Rcpt r : t.open()) {
            r.lastReason = unmetFailure(no.get());
            r.relay = host.name();
            r.lastTls = f;
            if (no.get().temporary()) {
              r.transientSeen = true;
            } else {
              r.unmet = no.get();
            }
          }
          audit.attempt(t.item.envelope(), host.name(), Optional.empty(), f, t.attempt(), "skipped", unmetFailure(no.get()).label(),
              List.of());
        } else {
          candidates.add(t);
        }
      }
      return addresses(host, 0, candidates);
    }).thenCompose(v -> hosts(hosts, i + 1, targets, sts, scope));
  }

  /** Tries the host's addresses in turn until one connection is made. */
  private CompletionStage<Void> addresses(MxHost host, int i, List<Target> targets) {
    if (i >= host.addresses().size() || targets.stream().allMatch(t -> t.open().isEmpty())) {
      return CompletableFuture.completedFuture(null);
    }
    InetSocketAddress address = host.addresses().get(i);
    return via(host, address, targets).thenCompose(connected -> connected
        ? CompletableFuture.completedFuture(null) : addresses(host, i + 1, targets));
  }

  /** Delivers what it can over connections to one address; false when no connection could be made. */
  private CompletionStage<Boolean> via(MxHost host, InetSocketAddress address, List<Target> targets) {
    List<Target> todo = targets.stream().filter(t -> !t.open().isEmpty()).toList();
    if (todo.isEmpty()) {
      return CompletableFuture.completedFuture(true);
    }
    return pool.acquire(host.name(), address).handle((lease, err) -> {
      if (err != null) {
        connectFailed(host, address, todo, unwrap(err));
        return CompletableFuture.completedFuture(false);
      }
      Instant connected = clock.instant();
      todo.forEach(t -> t.open().forEach(r -> {
        r.relay = relay(host, address);
        r.connected = Optional.of(connected);
      }));
      return sendAll(host, address, lease, todo, 0, 0).thenCompose(rest -> rest.isEmpty()
          ? CompletableFuture.completedFuture(true)
          : via(host, address, rest).thenApply(x -> true));
    }).thenCompose(x -> x);
  }

  private void connectFailed(MxHost host, InetSocketAddress address, List<Target> todo, ConnectFailure cf) {
    cf.reply().filter(Replies::isThrottle).ifPresent(r -> throttled.accept(todo.get(0).domain));
    for (Target t : todo) {
      Optional<TlsFacts> f = Optional.of(facts(host.name(), Optional.empty(), false, cf.failure().detail(), t.requirement));
      for (Rcpt r : t.open()) {
        r.lastReason = cf.failure();
        r.lastReply = cf.reply();
        r.lastTls = f;
        r.relay = relay(host, address);
        if (cf.tls()) {
          r.unmet = new Requirement.Unmet(cf.failure().detail(), false, t.requirement.requireTls());
        } else {
          r.transientSeen = true;
        }
      }
      audit.attempt(t.item.envelope(), host.name(), Optional.of(address), f, t.attempt(),
          cf.tls() ? "tls-unavailable" : "connect-failed", cf.failure().label(), List.of());
    }
  }

  /**
   * Sends messages from {@code todo[i..]} over the leased connection; returns the
   * targets left for a fresh connection (message cap reached or connection lost).
   */
  private CompletionStage<List<Target>> sendAll(MxHost host, InetSocketAddress address, ConnectionPool.Lease lease,
      List<Target> todo, int i, int used) {
    SmtpConnection conn = lease.connection();
    if (i >= todo.size()) {
      pool.release(lease, true);
      return CompletableFuture.completedFuture(List.of());
    }
    if (!conn.isOpen() || conn.messages() >= smtp.messagesPerConnection()) {
      pool.release(lease, false);
      return CompletableFuture.completedFuture(conn.isOpen() || lease.reused() ? todo.subList(i, todo.size()) : lost(todo, i));
    }
    Target t = todo.get(i);
    SmtpConnection.TlsSession session = conn.tls().orElseThrow();
    Requirement.Verification v = t.requirement.afterTls(session, host.name(), verifier, conn.offers("REQUIRETLS"));
    TlsFacts f = facts(host.name(), Optional.of(session), v.verified(), v.detail(), t.requirement);
    if (v.unmet().isPresent()) {
      DeliveryFailure why = unmetFailure(v.unmet().get());
      for (Rcpt r : t.open()) {
        r.unmet = v.unmet().get();
        r.lastReason = why;
        r.lastTls = Optional.of(f);
      }
      audit.attempt(t.item.envelope(), host.name(), Optional.of(address), Optional.of(f), t.attempt(), "tls-unmet",
          why.label(), List.of());
      return sendAll(host, address, lease, todo, i + 1, used);
    }
    Transfer transfer = new Transfer(conn, t.item, t.open(), f, smtp, finisher, bodyExecutor, clock);
    return transfer.run().handle((results, err) -> {
      transfer.dataStarted().ifPresent(d -> t.open().forEach(r -> r.dataStarted = Optional.of(d)));
      if (err != null) {
        // the connection is unusable after a failed transfer (closed mid-body if need be); the rest of the batch gets a fresh one
        DeliveryFailure why = Failures.classify(err);
        if (lease.reused() && used == 0 && transfer.dataStarted().isEmpty() && why.kind() == Kind.CONNECTION_LOST) {
          // a cached connection the server had closed meanwhile (Postfix: "stale"): not this message's fault, try a fresh one
          conn.close();
          pool.release(lease, false);
          return CompletableFuture.<List<Target>>completedFuture(todo.subList(i, todo.size()));
        }
        Throwable cause = Failures.cause(err);
        for (Rcpt r : t.open()) {
          r.lastReason = why;
          r.lastReply = Optional.empty();
          r.lastTls = Optional.of(f);
          r.transientSeen = true;
          if (why.kind() == Kind.LOCAL_ERROR || why.kind() == Kind.BODY_READ_FAILED) {
            r.error = Optional.of(cause);
          }
        }
        audit.attempt(t.item.envelope(), host.name(), Optional.of(address), Optional.of(f), t.attempt(), "failed", why.label(),
            List.of());
        conn.close();
        pool.release(lease, false);
        return CompletableFuture.<List<Target>>completedFuture(todo.subList(i + 1, todo.size()));
      }
      record(host, address, t, f, results, conn.offers("DSN"));
      // recipients beyond maxRecipientsPerTransaction get another transaction on this connection
      int next = !results.isEmpty() && !t.open().isEmpty() ? i : i + 1;
      return sendAll(host, address, lease, todo, next, used + 1);
    }).thenCompose(x -> x);
  }

  /** A fresh connection died before use: the rest wait for the next attempt. */
  private static List<Target> lost(List<Target> todo, int i) {
    todo.subList(i, todo.size()).forEach(t -> t.open().forEach(r -> {
      r.lastReason = DeliveryFailure.of(Kind.CONNECTION_LOST, "before-use");
      r.transientSeen = true;
    }));
    return List.of();
  }

  private void record(MxHost host, InetSocketAddress address, Target t, TlsFacts f, List<Transfer.Result> results,
      boolean serverDsn) {
    Instant now = clock.instant();
    List<AttemptAudit.RcptResult> lines = new ArrayList<>();
    String overall = "delivered";
    for (Transfer.Result res : results) {
      Rcpt r = res.rcpt();
      SmtpReply reply = res.reply();
      if (Replies.isThrottle(reply)) {
        throttled.accept(t.domain); // the scheduler's gate is per destination domain
      }
      if (reply.isPositive()) {
        r.outcome = new RecipientOutcome.Delivered(reply, f);
        if (!serverDsn && t.item.envelope().recipients().get(r.index).wants(Recipient.Notify.SUCCESS)) {
          relayed.owe(t.item.envelope().ref(r.index));
        }
        lines.add(new AttemptAudit.RcptResult(r.index, "delivered", Optional.of(reply)));
      } else if (reply.isPermanent()) {
        r.outcome = new RecipientOutcome.Bounced(failureOf(res), Optional.of(reply), Optional.of(f));
        lines.add(new AttemptAudit.RcptResult(r.index, "bounced", Optional.of(reply)));
        overall = "bounced".equals(overall) || "delivered".equals(overall) ? "bounced" : "mixed";
      } else {
        r.outcome = new RecipientOutcome.Deferred(failureOf(res), Optional.of(reply), Optional.of(f),
            retry.next(now, t.attempt(), t.item.envelope().receivedAt()));
        lines.add(new AttemptAudit.RcptResult(r.index, "deferred", Optional.of(reply)));
        overall = "deferred".equals(overall) || "delivered".equals(overall) ? "deferred" : "mixed";
      }
    }
    if (lines.stream().map(AttemptAudit.RcptResult::result).distinct().count() > 1) {
      overall = "mixed";
    }
    audit.attempt(t.item.envelope(), host.name(), Optional.of(address), Optional.of(f), t.attempt(), overall,
        results.isEmpty() ? "none" : results.get(results.size() - 1).reply().status(), lines);
    reportEarly(t, results);
  }

  /**
   * The transaction is over: its outcomes go to the caller now, to be recorded while the batch goes on
   * (a batch of 100 messages can take seconds; settling only at its end made a crash repeat all of them).
   */
  private static void reportEarly(Target t, List<Transfer.Result> results) {
    if (t.early.isEmpty()) {
      return;
    }
    List<Spool.Settlement> done = new ArrayList<>(results.size());
    for (Transfer.Result res : results) {
      Rcpt r = res.rcpt();
      if (r.outcome != null && !r.reportedEarly) {
        r.reportedEarly = true;
        done.add(new Spool.Settlement(t.item.envelope().ref(r.index), r.outcome));
      }
    }
    if (!done.isEmpty()) {
      t.early.get().completed(done);
    }
  }

  /** A reply from the server (REMOTE_4XX/5XX), or one Mailward made itself for content it will not convert. */
  private static DeliveryFailure failureOf(Transfer.Result res) {
    return res.local() ? DeliveryFailure.of(Kind.CONTENT_UNSUPPORTED, res.reply().status()) : DeliveryFailure.remote(res.reply());
  }

  /** Why a host or session could not carry the body, as a type: DNSSEC trouble is temporary, the rest is TLS policy. */
  static DeliveryFailure unmetFailure(Requirement.Unmet u) {
    if (u.temporary()) {
      return DeliveryFailure.of(Kind.DNS_TEMPFAIL, u.reason());
    }
    if (u.reason().equals("portal-level")) {
      return DeliveryFailure.of(Kind.POLICY, u.reason());
    }
    if (u.reason().equals("requiretls-not-offered")) {
      return DeliveryFailure.of(Kind.REQUIRETLS_UNSUPPORTED, u.reason());
    }
    if (u.reason().equals("mta-sts-mx-mismatch")) {
      return DeliveryFailure.of(Kind.NO_ROUTE, u.reason());
    }
    if (u.reason().startsWith("starttls-")) {
      return DeliveryFailure.of(Kind.TLS_UNAVAILABLE, u.reason());
    }
    return DeliveryFailure.of(Kind.TLS_VERIFY_FAILED, u.reason());
  }

  /** Turns what is left open into outcomes (fallback for TLS-unmet, deferral for the rest), then logs the attempt. */
  private CompletionStage<List<Spool.Settlement>> settle(List<Target> targets) {
    Instant now = clock.instant();
    List<CompletableFuture<Spool.Settlement>> out = new ArrayList<>();
    for (Target t : targets) {
      var env = t.item.envelope();
      for (Rcpt r : t.rcpts) {
        var ref = env.ref(r.index);
        if (r.reportedEarly) {
          continue;
        } else if (r.outcome != null) {
          out.add(CompletableFuture.completedFuture(new Spool.Settlement(ref, r.outcome)));
        } else if (r.unmet != null && !r.transientSeen && r.unmet.requireTlsFailure()) {
          out.add(CompletableFuture.completedFuture(new Spool.Settlement(ref, new RecipientOutcome.Bounced(
              DeliveryFailure.of(Kind.REQUIRETLS_UNSUPPORTED, r.unmet.reason()),
              Optional.of(SmtpReply.of(550, "5.7.30", "REQUIRETLS support required")), r.lastTls))));
        } else if (r.unmet != null && !r.transientSeen) {
          out.add(fallback.apply(env, r.index, t.item.body(), r.lastReason, r.lastTls, t.attempt())
              .thenApply(o -> new Spool.Settlement(ref, o)).toCompletableFuture());
        } else {
          out.add(CompletableFuture.completedFuture(new Spool.Settlement(ref, new RecipientOutcome.Deferred(r.lastReason,
              r.lastReply, r.lastTls, retry.next(now, t.attempt(), env.receivedAt())))));
        }
      }
    }
    java.util.Map<org.mailward.api.MessageId, Instant> received = new java.util.HashMap<>();
    targets.forEach(t -> received.put(t.item.envelope().id(), t.item.envelope().receivedAt()));
    return CompletableFuture.allOf(out.toArray(CompletableFuture[]::new)).thenApply(v -> {
      Instant end = clock.instant();
      List<Spool.Settlement> settled = out.stream().map(CompletableFuture::join).map(st ->
          st.outcome() instanceof RecipientOutcome.Deferred d && retry.expired(end, received.get(st.ref().messageId()))
              ? new Spool.Settlement(st.ref(), RetryPolicy.expiredBounce(d)) : st).toList();
      AttemptLines.write(attemptLog, targets, settled, end);
      lastOutcomes.record(targets, settled, end);
      return settled;
    });
  }

  private static String relay(MxHost host, InetSocketAddress address) {
    return host.name() + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
  }

  private static TlsFacts facts(String mx, Optional<SmtpConnection.TlsSession> s, boolean verified, String detail, Requirement req) {
    return new TlsFacts(mx, s.map(SmtpConnection.TlsSession::protocol), s.map(SmtpConnection.TlsSession::cipher), verified, detail,
        req == null ? SecurityLevel.ENCRYPT : req.level(), req == null ? "tenant" : req.source());
  }

  private static ConnectFailure unwrap(Throwable e) {
    Throwable c = Failures.cause(e);
    return c instanceof ConnectFailure cf ? cf : new ConnectFailure(Failures.classify(c), Optional.empty(), false, Optional.empty());
  }
}
