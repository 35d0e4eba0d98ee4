package org.mailward.app;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.mailward.api.AuditJournal;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;
import org.mailward.app.metrics.MetricNames;
import org.mailward.core.inbound.InboundMetrics;

/**
 * {@code GET /metrics} in the Prometheus text format, on its own loopback
 * listener by default. Binds the modules' own cheap counters (no per-message
 * work here) and JVM metrics; the delivery, queue and policy meters are
 * registered on the same registry by relay-app's decorators (docs/metrics.md).
 * Labels never carry an address or a subject.
 */
final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HttpServer server;

  /** A registry for the relay's meters, served once {@link #MetricsEndpoint} binds it. */
  static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  MetricsEndpoint(PrometheusMeterRegistry registry, String address, int port, InboundMetrics inbound, Spool spool,
      AuditJournal audit) throws IOException {
    this.registry = registry;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    for (String name : inbound.snapshot().keySet()) {
      String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
      FunctionCounter.builder(base, inbound, m -> m.snapshot().get(name)).register(registry);
    }
    Supplier<SpoolHealth> health = spool::health;
    Gauge.builder(MetricNames.SPOOL_ACCEPTING, () -> health.get().accepting() ? 1 : 0)
        .description("1 while the spool accepts mail").register(registry);
    Gauge.builder(MetricNames.SPOOL_PENDING_COMMITS, () -> health.get().pendingCommits()).register(registry);
    Gauge.builder(MetricNames.SPOOL_FREE_BYTES, () -> health.get().freeBytes()).register(registry);
    for (SpoolHealth.State s : SpoolHealth.State.values()) {
      Gauge.builder(MetricNames.SPOOL_STATE, () -> health.get().state() == s ? 1 : 0).tag("state", s.name().toLowerCase())
          .register(registry);
    }
    Gauge.builder(MetricNames.AUDIT_RECORDING, () -> audit.health().recording() ? 1 : 0)
        .description("1 while the audit journal records; 0: new mail is refused with 451 4.3.0").register(registry);
    Gauge.builder(MetricNames.SPOOL_MESSAGES, () -> spool.stats().messages()).register(registry);

    server = HttpServer.create(new InetSocketAddress(address, port), 16);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mailward-metrics");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    server.stop(0);
    registry.close();
  }
}
