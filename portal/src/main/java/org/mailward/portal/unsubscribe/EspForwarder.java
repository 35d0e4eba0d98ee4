package org.mailward.portal.unsubscribe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a revocation on to the ESP's own unsubscribe URL (an RFC 8058 POST of
 * {@code List-Unsubscribe=One-Click}) so the ESP's lists stay in sync. Asynchronous and bounded:
 * a per-attempt timeout, a few attempts with doubling backoff on network errors, 5xx and 429, and
 * at most {@code maxPending} forwards in flight (more are dropped with a warning). It never blocks
 * the caller, never follows redirects, and logs only the tenant and the outcome, never the URL
 * (its query may identify the person).
 */
public final class EspForwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EspForwarder.class);
  static final String BODY = "List-Unsubscribe=One-Click";

  /**
   * @param timeout per attempt (connect and response)
   * @param attempts total attempts, at least 1
   * @param firstBackoff pause before the second attempt; doubles each time
   * @param maxPending forwards waiting or running at once
   */
  public record Settings(Duration timeout, int attempts, Duration firstBackoff, int maxPending) {
    public Settings {
      if (attempts < 1 || maxPending < 1) {
        throw new IllegalArgumentException("attempts and maxPending must be positive");
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(10), 4, Duration.ofSeconds(2), 256);
    }
  }

  private final Settings settings;
  private final AuditJournal audit;
  private final Clock clock;
  private final ExecutorService httpThreads;
  private final ScheduledExecutorService timer;
  private final HttpClient client;
  private final AtomicInteger pending = new AtomicInteger();

  public EspForwarder(Settings settings, AuditJournal audit, Clock clock) {
    this.settings = settings;
    this.audit = audit;
    this.clock = clock;
    this.httpThreads = Executors.newFixedThreadPool(2, daemon("mailward-esp-forward"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("mailward-esp-forward-timer"));
    this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER)
        .executor(httpThreads).build();
  }

  /** Starts forwarding and returns at once. */
  public void forward(TenantId tenant, URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      LOG.warn("ESP unsubscribe forward for tenant {} skipped: not an http(s) URL", tenant);
      return;
    }
    if (pending.incrementAndGet() > settings.maxPending()) {
      pending.decrementAndGet();
      LOG.warn("ESP unsubscribe forward for tenant {} dropped: {} forwards already pending", tenant, settings.maxPending());
      record(tenant, "unsubscribe.forward.failed", Map.of("outcome", "dropped", "attempts", "0"));
      return;
    }
    attempt(tenant, url, 1);
  }

  private void attempt(TenantId tenant, URI url, int n) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.timeout())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    try {
      client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> settle(tenant, url, n, response == null ? -1 : response.statusCode(), error));
    } catch (RuntimeException e) {
      settle(tenant, url, n, -1, e);
    }
  }

  private void settle(TenantId tenant, URI url, int n, int status, Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    String outcome = cause != null ? cause.getClass().getSimpleName() : "HTTP " + status;
    boolean ok = error == null && status >= 200 && status < 300;
    boolean retryable = error != null || status >= 500 || status == 429;
    if (ok) {
      pending.decrementAndGet();
      LOG.info("ESP unsubscribe forwarded for tenant {}: {} after {} attempt(s)", tenant, outcome, n);
      record(tenant, "unsubscribe.forwarded", Map.of("outcome", outcome, "attempts", Integer.toString(n)));
    } else if (retryable && n < settings.attempts()) {
      long delay = settings.firstBackoff().toMillis() << Math.min(n - 1, 16);
      LOG.info("ESP unsubscribe forward for tenant {}: {}; attempt {} in {} ms", tenant, outcome, n + 1, delay);
      try {
        timer.schedule(() -> attempt(tenant, url, n + 1), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        pending.decrementAndGet();
      }
    } else {
      pending.decrementAndGet();
      LOG.warn("ESP unsubscribe forward for tenant {} failed: {} after {} attempt(s)", tenant, outcome, n);
      record(tenant, "unsubscribe.forward.failed", Map.of("outcome", outcome, "attempts", Integer.toString(n)));
    }
  }

  private void record(TenantId tenant, String type, Map<String, String> facts) {
    try {
      audit.append(new AuditEvent(clock.instant(), type, Optional.empty(), Optional.of(tenant), facts));
    } catch (RuntimeException e) {
      LOG.warn("audit append failed for {}: {}", type, e.toString());
    }
  }

  /** Forwards in flight or waiting for a retry. */
  public int pending() {
    return pending.get();
  }

  /** Stops retrying; forwards still pending are abandoned. */
  @Override
  public void close() {
    timer.shutdownNow();
    httpThreads.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
