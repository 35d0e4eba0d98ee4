package org.mailward.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.Redactor;
import org.mailward.api.SmtpReply;
import org.mailward.api.Tenant;
import org.mailward.api.TenantDirectory;
import org.mailward.core.inbound.CaughtFailures;

/**
 * Checks SMTP AUTH credentials: throttle first, then the tenant's PHC hash on
 * the blocking-work executor (never the event loop). A success is remembered for
 * ten minutes ({@link VerifiedCredentials}), so reconnecting ESPs skip the Argon2id
 * work. Unknown users cost the same hash work as known ones. Failures are audited
 * with a keyed user token.
 */
public final class Authenticator {
  private static final SmtpReply OK = SmtpReply.of(235, "2.7.0", "Authentication successful");
  private static final SmtpReply INVALID = SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");
  private static final SmtpReply LOCKED = SmtpReply.of(454, "4.7.0", "Too many authentication failures, try again later");

  private final TenantDirectory tenants;
  private final PasswordHasher hasher;
  private final AuthThrottle throttle;
  private final Executor blockingWork;
  private final AuditJournal audit;
  private final Redactor redactor;
  private final Clock clock;
  private final String dummyHash;
  private final VerifiedCredentials verified;
  private final CaughtFailures failures;

  /**
   * The outcome of one attempt.
   *
   * @param delay how long to wait before answering (throttling of failures)
   */
  public record Outcome(Optional<Tenant> tenant, SmtpReply reply, Duration delay) {}

  /**
   * @param audit appends must not throw (the server's {@code AuditGuard}: a failure is counted and logged there)
   * @param failures where a failed verification is logged and counted
   */
  public Authenticator(TenantDirectory tenants, PasswordHasher hasher, AuthThrottle throttle, Executor blockingWork,
      AuditJournal audit, Redactor redactor, Clock clock, CaughtFailures failures) {
    this.failures = failures;
    this.tenants = tenants;
    this.hasher = hasher;
    this.throttle = throttle;
    this.blockingWork = blockingWork;
    this.audit = audit;
    this.redactor = redactor;
    this.clock = clock;
    this.dummyHash = hasher.hash("not-a-real-password".toCharArray());
    this.verified = new VerifiedCredentials(clock, Duration.ofMinutes(10), 10_000);
  }

  /** Verifies {@code password} (and then wipes it). Never completes exceptionally. */
  public CompletionStage<Outcome> authenticate(String clientIp, String username, char[] password) {
    String userToken = redactor.token("smtp-user:" + username);
    if (!throttle.allowed(clientIp, userToken)) {
      Arrays.fill(password, '\0');
      failed(userToken, "throttled");
      return CompletableFuture.completedFuture(new Outcome(Optional.empty(), LOCKED, throttle.failureDelay()));
    }
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    try {
      blockingWork.execute(() -> {
        try {
          Optional<Tenant> tenant = tenants.byUsername(username);
          String stored = tenant.map(Tenant::passwordHash).orElse(dummyHash);
          boolean ok = tenant.isPresent() && verified.recentlyVerified(stored, password)
              || hasher.verify(stored, password) && tenant.isPresent();
          if (ok) {
            verified.remember(stored, password);
            throttle.recordSuccess(clientIp, userToken);
            result.complete(new Outcome(tenant, OK, Duration.ZERO));
          } else {
            throttle.recordFailure(clientIp, userToken);
            failed(userToken, tenant.isPresent() ? "bad-password" : "unknown-user");
            result.complete(new Outcome(Optional.empty(), INVALID, throttle.failureDelay()));
          }
        } catch (RuntimeException e) {
          failures.record("AUTH verification", Optional.empty(), e);
          result.complete(new Outcome(Optional.empty(), SmtpReply.of(454, "4.7.0", "Temporary authentication failure"), Duration.ZERO));
        } finally {
          Arrays.fill(password, '\0');
        }
      });
    } catch (RuntimeException rejected) {
      failures.record("AUTH verification (executor refused the task)", Optional.empty(), rejected);
      Arrays.fill(password, '\0');
      result.complete(new Outcome(Optional.empty(), SmtpReply.of(454, "4.7.0", "Temporary authentication failure"), Duration.ZERO));
    }
    return result;
  }

  private void failed(String userToken, String reason) {
    audit.append(new AuditEvent(clock.instant(), "auth.failed", Optional.empty(), Optional.empty(),
        Map.of("user", userToken, "reason", reason)));
  }
}
