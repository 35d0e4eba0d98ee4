package org.mailward.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mailward.admin.audit.AuditRoutes;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.TokenThrottle;
import org.mailward.admin.consent.ConsentRoutes;
import org.mailward.admin.consent.ImportJobs;
import org.mailward.admin.controlplane.Changes;
import org.mailward.admin.controlplane.DestinationPolicyRegistry;
import org.mailward.admin.controlplane.DkimKeyRegistry;
import org.mailward.admin.dkim.DkimRoutes;
import org.mailward.admin.domains.DomainRoutes;
import org.mailward.admin.health.HealthRoutes;
import org.mailward.admin.http.Route;
import org.mailward.admin.ops.OperatorRoutes;
import org.mailward.admin.policy.DryRunRoutes;
import org.mailward.admin.queue.QueueRoutes;
import org.mailward.admin.tenants.TenantRegistry;
import org.mailward.admin.tenants.TenantRoutes;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuthLockouts;
import org.mailward.api.BounceBreaker;
import org.mailward.api.ConsentControl;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.Destinations;
import org.mailward.api.DkimKeys;
import org.mailward.api.PolicyEngine;
import org.mailward.api.QueueControl;

/**
 * The admin API assembled from its ports: the route table of every resource, the server that
 * serves it, and the import executor. relay-app builds the ports (the control-plane log, the
 * tenant registry that also serves the inbound server, the consent port, the audit journal) and
 * hands them in; this class knows no concrete store.
 */
public final class AdminApi implements AutoCloseable {
  public static final String OPENAPI = "/api/v1/openapi.json";

  /** What the API is built from. {@code passwordHasher} makes SMTP credential hashes (Argon2id in production). */
  public record Ports(ControlPlaneLog log, TenantRegistry tenants, ConsentControl consent, AuditJournal audit,
      ImportJobs importJobs, Function<char[], String> passwordHasher, Supplier<Map<String, HealthRoutes.Check>> readiness,
      Optional<QueueControl> queue, Optional<PolicyEngine> policy, Optional<AuthLockouts> lockouts,
      Optional<BounceBreaker> breaker, DestinationPolicyRegistry destinationPolicies, DkimKeyRegistry dkimKeys,
      Optional<Destinations> destinations, Optional<DkimKeys> dkim) {

    /** Without destination and DKIM ports: fresh registries that follow no log (for callers that use neither). */
    public Ports(ControlPlaneLog log, TenantRegistry tenants, ConsentControl consent, AuditJournal audit,
        ImportJobs importJobs, Function<char[], String> passwordHasher, Supplier<Map<String, HealthRoutes.Check>> readiness,
        Optional<QueueControl> queue, Optional<PolicyEngine> policy, Optional<AuthLockouts> lockouts,
        Optional<BounceBreaker> breaker) {
      this(log, tenants, consent, audit, importJobs, passwordHasher, readiness, queue, policy, lockouts, breaker,
          new DestinationPolicyRegistry(), new DkimKeyRegistry(), Optional.empty(), Optional.empty());
    }
  }

  /** @param maxImportBytes largest consent import upload; throttle: failures per address before lockout */
  public record Limits(long maxImportBytes, int maxTokenFailures, Duration failureWindow, Duration lockout) {
    public static Limits defaults() {
      return new Limits(64L << 20, 10, Duration.ofMinutes(1), Duration.ofMinutes(5));
    }
  }

  private final AdminServer server;
  private final ExecutorService imports;
  private final List<Route> routes;

  public AdminApi(AdminServer.Settings settings, Limits limits, AdminTokens tokens, Ports ports, Clock clock) {
    this.imports = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16), r -> {
      Thread t = new Thread(r, "mailward-admin-import");
      t.setDaemon(true);
      return t;
    });
    this.routes = routes(ports, limits, imports, clock);
    this.server = new AdminServer(settings, routes,
        tokens, new TokenThrottle(limits.maxTokenFailures(), limits.failureWindow(), limits.lockout(), clock, 10_000));
  }

  static List<Route> routes(Ports ports, Limits limits, ExecutorService imports, Clock clock) {
    Changes changes = new Changes(ports.log(), ports.audit(), clock);
    TenantRoutes tenants = new TenantRoutes(ports.tenants(), changes, ports.passwordHasher(), clock);
    List<Route> all = new ArrayList<>();
    all.addAll(new HealthRoutes(ports.readiness()).routes());
    all.add(Route.get(OPENAPI, Set.of(), (ctx, p) -> ctx.contentType("application/json").result(openApi())));
    all.addAll(tenants.routes());
    all.addAll(new ConsentRoutes(tenants, ports.consent(), changes, ports.importJobs(), imports, limits.maxImportBytes(), clock)
        .routes());
    all.addAll(new AuditRoutes(ports.audit(), clock).routes());
    all.addAll(new QueueRoutes(ports.queue(), ports.audit(), clock).routes());
    all.addAll(new OperatorRoutes(ports.lockouts(), ports.breaker(), ports.audit(), clock).routes());
    all.addAll(new DryRunRoutes(ports.policy(), ports.tenants(), clock).routes());
    all.addAll(new DomainRoutes(ports.destinationPolicies(), ports.destinations(), ports.breaker(), changes).routes());
    all.addAll(new DkimRoutes(tenants, ports.dkimKeys(), ports.dkim(), changes, clock).routes());
    return List.copyOf(all);
  }

  /** The hand-written OpenAPI 3.1 document (a test keeps it and the route table in step). */
  public static String openApi() {
    try (InputStream in = AdminApi.class.getResourceAsStream("openapi.json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Route> routes() {
    return routes;
  }

  public InetSocketAddress start() {
    return server.start();
  }

  public boolean running() {
    return server.running();
  }

  @Override
  public void close() {
    server.close();
    imports.shutdownNow();
  }
}
