package org.mailward.delivery.fallback;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import org.mailward.api.BodySource;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.PortalDrop;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.TlsFacts;
import org.mailward.api.TlsFallback;
import org.mailward.delivery.dsn.Injector;
import org.mailward.delivery.schedule.RetryPolicy;

/**
 * What happens to a recipient when no MX could carry its body at the required
 * level: the envelope's {@link TlsFallback}. PORTAL hands it to the
 * {@link PortalDrop} (when one is wired; otherwise it waits, deferred) and
 * spools the PHI-free notice to the same recipient at ENCRYPT level; DEFER keeps
 * retrying until the fallback delay has passed, then goes to the portal if one
 * is wired, else bounces; BOUNCE bounces at once ({@code 5.7.10}). Never sends anything itself.
 */
public final class Fallback {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Fallback.class);
  private final Optional<PortalDrop> portal;
  private final Injector injector;
  private final RetryPolicy retry;
  private final Clock clock;
  private final RandomGenerator random;

  public Fallback(Optional<PortalDrop> portal, Injector injector, RetryPolicy retry, Clock clock, RandomGenerator random) {
    this.portal = portal;
    this.injector = injector;
    this.retry = retry;
    this.clock = clock;
    this.random = random;
  }

  /** @param reason why no MX could take the message at its level (a TLS kind), kept as the outcome's reason */
  public CompletionStage<RecipientOutcome> apply(Envelope env, int index, BodySource body, DeliveryFailure reason,
      Optional<TlsFacts> tls, int attempts) {
    Instant now = clock.instant();
    Instant retryAt = retry.next(now, attempts, env.receivedAt());
    SecurityLevel needed = env.requiredLevel().strictest(tls.map(TlsFacts::level).orElse(SecurityLevel.ENCRYPT)); // or raised by the destination or its operator's policy
    SmtpReply unmet = SmtpReply.of(554, "5.7.10", "TLS at level " + needed.label() + " not available: " + reason.detail());
    boolean toPortal = env.requiredLevel() == SecurityLevel.PORTAL || env.fallback() == TlsFallback.PORTAL
        || (env.fallback() == TlsFallback.DEFER && retry.fallbackDue(now, env.receivedAt()) && portal.isPresent());
    if (toPortal) {
      if (portal.isEmpty()) {
        return done(new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.POLICY, "portal-not-configured"),
            Optional.of(SmtpReply.of(451, "4.7.5", "waiting for a portal")), tls, retryAt));
      }
      return hold(env, index, body).exceptionally(e -> {
        log.warn("message {} recipient {}: portal hold failed ({}); deferred", env.id(), index, e.getClass().getSimpleName());
        return new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.LOCAL_ERROR, "portal-hold-failed"),
            Optional.empty(), tls, retryAt);
      });
    }
    if (env.fallback() == TlsFallback.BOUNCE || retry.fallbackDue(now, env.receivedAt())) {
      return done(new RecipientOutcome.Bounced(reason, Optional.of(unmet), tls));
    }
    return done(new RecipientOutcome.Deferred(reason,
        Optional.of(SmtpReply.of(451, "4.7.5", "TLS at the required level not available yet")), tls, retryAt));
  }

  private CompletionStage<RecipientOutcome> hold(Envelope env, int index, BodySource body) {
    return portal.get().hold(env, index, body).thenCompose(receipt -> {
      Envelope notice = new Envelope(MessageId.generate(clock.millis(), random), env.tenant(), env.reversePath(),
          org.mailward.api.MailParameters.defaults(), List.of(env.recipients().get(index)), env.purpose(),
          SecurityLevel.ENCRYPT, TlsFallback.BOUNCE, List.of(), env.dkimSign(), clock.instant(), env.sessionId());
      return injector.inject(notice, () -> receipt.noticeBody().open())
          .thenApply(v -> (RecipientOutcome) new RecipientOutcome.HeldInPortal(receipt.pickupId(), receipt.expiresAt()));
    });
  }

  private static CompletionStage<RecipientOutcome> done(RecipientOutcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
