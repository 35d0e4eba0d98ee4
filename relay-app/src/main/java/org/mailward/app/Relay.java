package org.mailward.app;

import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.mailward.admin.controlplane.ChangeCodec;
import org.mailward.admin.controlplane.RecordSeal;
import org.mailward.api.AuthLockouts;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Redactor;
import org.mailward.api.Spool;
import org.mailward.api.TenantDirectory;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.MailwardConfig;
import org.mailward.app.metrics.DestinationGroups;
import org.mailward.app.metrics.KeyRotationMetrics;
import org.mailward.app.metrics.MeteredPolicy;
import org.mailward.app.metrics.MeteredSpool;
import org.mailward.app.metrics.MetricNames;
import org.mailward.app.metrics.QueueGauges;
import org.mailward.core.inbound.SmtpServer;
import org.mailward.delivery.DeliveryService;
import org.mailward.delivery.dsn.DsnWriter;
import org.mailward.delivery.dsn.Injector;
import org.mailward.delivery.dsn.RelayedNotices;
import org.mailward.delivery.schedule.RetryPolicy;
import org.mailward.policy.ConsentPolicyEngine;
import org.mailward.policy.PolicyConfig;
import org.mailward.policy.dkim.DkimFinisher;
import org.mailward.policy.dkim.DkimKeyFiles;
import org.mailward.policy.readiness.DomainReadiness;
import org.xbill.DNS.SimpleResolver;
import org.mailward.queue.crypto.WrappedKeyHolders;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolSetup;
import org.mailward.queue.spool.SpoolStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running relay: wires every module by hand (the only class that knows
 * them all), starts them in dependency order and stops them in reverse:
 * inbound first (drain), then delivery, then the spool.
 */
public final class Relay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final SpoolStorage storage;
  private final ConsentPolicyEngine policy;
  private final SmtpServer smtp;
  private final java.util.Optional<DeliveryService> delivery;
  private final java.util.Optional<MetricsEndpoint> metrics;
  private final java.util.Optional<OneClickEndpoint> unsubscribe;
  private final java.util.Optional<AdminEndpoint> admin;
  private final List<ExecutorService> executors;
  private final Map<String, InetSocketAddress> listeners;
  private final Duration drain;
  private final TenantDirectory tenants;
  private final java.util.Optional<HardBounceSuppression> hardBounces;

  private Relay(SpoolStorage storage, ConsentPolicyEngine policy, SmtpServer smtp, java.util.Optional<DeliveryService> delivery,
      java.util.Optional<MetricsEndpoint> metrics, java.util.Optional<OneClickEndpoint> unsubscribe,
      java.util.Optional<AdminEndpoint> admin, List<ExecutorService> executors, Map<String, InetSocketAddress> listeners,
      Duration drain, TenantDirectory tenants, java.util.Optional<HardBounceSuppression> hardBounces) {
    this.admin = admin;
    this.delivery = delivery;
    this.metrics = metrics;
    this.unsubscribe = unsubscribe;
    this.storage = storage;
    this.policy = policy;
    this.smtp = smtp;
    this.executors = executors;
    this.listeners = listeners;
    this.drain = drain;
    this.tenants = tenants;
    this.hardBounces = hardBounces;
  }

  /** The hard-bounce suppression and its per-domain breaker (present while delivery runs); the admin API's reset later. */
  java.util.Optional<HardBounceSuppression> hardBounces() {
    return hardBounces;
  }

  /**
   * Builds and starts everything.
   *
   * @param source the configuration file's name, for error messages
   * @param out where first-start notices (demo credentials) are printed
   */
  public static Relay start(MailwardConfig config, String source, Map<String, String> env, Clock clock, PrintStream out)
      throws IOException, InterruptedException {
    ModuleConfigs modules = new ModuleConfigs(config, source, env);
    String crypto = CryptoProviders.install(config.crypto().provider());
    Path data = modules.dataDir();
    FirstStart.privateDirectory(data);

    ConfiguredTenants configured = config.tenants().isEmpty()
        ? DemoTenant.ensure(data, out)
        : ConfiguredTenants.from(config, source);

    Path[] tls = config.inbound().tls().certificate().isBlank()
        ? FirstStart.selfSignedCertificate(data.resolve("tls"), config.hostname(), clock)
        : new Path[] {modules.resolve(config.inbound().tls().certificate(), null), modules.resolve(config.inbound().tls().key(), null)};
    Secrets secrets = Secrets.load(config, modules);
    SecretRing.Secrets tokenSecret = secrets.tokenSecrets();
    Redactor redactor = secrets.redactor();

    List<ExecutorService> executors = new ArrayList<>();
    ExecutorService blocking = named("mailward-auth", 2);
    ExecutorService policyPool = named("mailward-policy", 2);
    executors.add(blocking);
    executors.add(policyPool);

    var registry = config.metrics().enabled() ? java.util.Optional.of(MetricsEndpoint.newRegistry())
        : java.util.Optional.<io.micrometer.prometheusmetrics.PrometheusMeterRegistry>empty();
    var groups = modules.check("metrics.destinationGroups", () -> new DestinationGroups(config.metrics().destinationGroups()));
    LongConsumer syncNanos = registry.map(r -> {
      Timer t = Timer.builder(MetricNames.SPOOL_SYNC).description("one group sync: journal force and RocksDB sync write")
          .serviceLevelObjectives(SYNC_BUCKETS).register(r);
      return (LongConsumer) n -> t.record(n, TimeUnit.NANOSECONDS);
    }).orElse(n -> { });
    var masterKeyring = modules.masterKeyring();
    // the control-plane log's sealed records are wrapped by the master keyring too: no older key is destroyed before
    // the log is wired in as a holder below
    var keyHolders = WrappedKeyHolders.pending();
    SpoolStorage storage = RocksChronicleSpool.open(modules.spool(), clock, new SpoolSetup(modules.auditKey(), syncNanos),
        masterKeyring, modules.keyRotation().withHolders(keyHolders));
    java.util.Optional<OneClickEndpoint> unsubscribe = java.util.Optional.empty();
    java.util.Optional<AdminEndpoint> admin = java.util.Optional.empty();
    try {
      var policyConfig = modules.policy(tokenSecret);
      var policy = new ConsentPolicyEngine(policyConfig, storage.keyValueStore(), redactor, clock, policyPool);
      policy.sealEvidenceAtRest(); // before anything serves: evidence an earlier release kept in clear
      ControlPlane controlPlane = ControlPlane.open(storage.keyValueStore(), configured.all(), policy,
          new ChangeCodec(new RecordSeal(masterKeyring, new java.security.SecureRandom()), redactor), clock);
      keyHolders.add(ring -> controlPlane.sealedLog().rewrapSealedKeys()).complete();
      purgeMigrated(storage, List.of());
      TenantDirectory tenants = controlPlane.tenants();
      PolicyEngine inboundPolicy = registry.<PolicyEngine>map(r -> new MeteredPolicy(policy, r)).orElse(policy);
      var smtp = new SmtpServer(modules.inbound(tls[0], tls[1]), tenants, inboundPolicy, storage.spool(), storage.audit(),
          redactor, clock, blocking);
      ExecutorService dsnPool = named("mailward-dsn", 1);
      executors.add(dsnPool);
      NotifyingQueueControl queue = queueControl(storage, modules, smtp, dsnPool,
          registry.<io.micrometer.core.instrument.MeterRegistry>map(r -> r)
              .orElseGet(io.micrometer.core.instrument.composite.CompositeMeterRegistry::new), clock);
      java.util.Optional<MetricsEndpoint> metrics = java.util.Optional.empty();
      if (registry.isPresent()) {
        new QueueGauges(registry.get(), storage.spool(), java.util.Optional.of(queue), clock, Duration.ofSeconds(5));
        KeyRotationMetrics.register(registry.get(), storage::keyRotation);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.AUDIT_EVENTS_LOST, storage,
            SpoolStorage::auditEventsLost).description("audit events lost: their group could not be written or synced")
            .register(registry.get());
        metrics = java.util.Optional.of(new MetricsEndpoint(registry.get(), config.metrics().address(),
            config.metrics().port(), smtp.metrics(), storage.spool(), smtp.audit()));
      }
      java.util.Optional<DeliveryService> delivery = java.util.Optional.empty();
      java.util.Optional<HardBounceSuppression> hardBounces = java.util.Optional.empty();
      java.util.Optional<DkimKeyFiles> dkimKeys = java.util.Optional.empty();
      if (config.delivery().enabled()) {
        var finisher = modules.check("tenants[].policy.dkim", () -> {
          try {
            return DkimFinisher.fromConfig(policyConfig, clock);
          } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        });
        dkimKeys = java.util.Optional.of(new DkimKeyFiles(modules.dkimKeysDir(), modules.dkimPassphrase(),
            new DomainReadiness(new SimpleResolver(modules.delivery().dns().resolver())), clock));
        DkimKeyApplier.subscribe(controlPlane.log(), dkimKeys.get(), finisher, clock);
        var bounces = new HardBounceSuppression(storage.spool(), policy.suppressions(), clock,
            config.delivery().bounceBreaker().threshold(), config.delivery().bounceBreaker().window());
        hardBounces = java.util.Optional.of(bounces);
        // smtp.audit(): the guarded journal, so delivery's failed appends are counted and turn acceptance off too;
        // AuditPausedSpool: nothing is due for delivery while the journal is not recording
        Spool deliverySpool = new AuditPausedSpool(bounces, () -> smtp.audit().health().recording());
        if (registry.isPresent()) {
          deliverySpool = new MeteredSpool(deliverySpool, registry.get(), groups, clock);
          bounces.bindTo(registry.get());
        }
        var service = new DeliveryService(modules.delivery(), deliverySpool, smtp.audit(), finisher,
            java.util.Optional.empty(), redactor, controlPlane.destinationPolicies(), clock);
        service.start();
        delivery = java.util.Optional.of(service);
      }
      unsubscribe = OneClickEndpoint.startIfEnabled(config.unsubscribe(), modules, tls, policy.unsubscribes(), smtp.audit(),
          clock);
      Map<String, InetSocketAddress> bound = new java.util.LinkedHashMap<>(smtp.start());
      metrics.ifPresent(m -> bound.put("metrics", m.address()));
      unsubscribe.ifPresent(u -> bound.put("unsubscribe", u.address()));
      admin = AdminEndpoint.startIfEnabled(config, modules, source, controlPlane, policy, java.util.Optional.of(queue),
          smtp.authLockouts(), hardBounces, delivery.map(DeliveryService::destinations), dkimKeys, smtp.audit(),
          Readiness.of(bound.keySet(), storage.spool(), smtp.audit(), delivery), clock, out);
      admin.ifPresent(a -> bound.put("admin", a.address()));
      log.info("Mailward listening on {} (TLS provider {}; crypto {})", bound, smtp.tlsProvider(), crypto);
      return new Relay(storage, policy, smtp, delivery, metrics, unsubscribe, admin, executors,
          java.util.Collections.unmodifiableMap(bound), config.inbound().drainTimeout(), tenants, hardBounces);
    } catch (RuntimeException | InterruptedException | IOException e) {
      admin.ifPresent(AdminEndpoint::close);
      unsubscribe.ifPresent(OneClickEndpoint::close);
      storage.close();
      executors.forEach(ExecutorService::shutdownNow);
      throw e;
    }
  }

  /** Spool group syncs take ~1 ms on an idle disk; the buckets show a slow or saturated one. */
  private static final Duration[] SYNC_BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
      Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

  /**
   * The operator's queue view (queue age gauges, the admin API's queue routes): the spool's, with
   * an operator's bounce sending the sender's DSN through delivery's DsnWriter (spooled like any
   * DSN; delivered when delivery runs).
   */
  private static NotifyingQueueControl queueControl(SpoolStorage storage, ModuleConfigs modules, SmtpServer smtp,
      ExecutorService dsnPool, io.micrometer.core.instrument.MeterRegistry registry, Clock clock) {
    var delivery = modules.delivery();
    var random = new java.security.SecureRandom();
    var dsn = new DsnWriter(storage.spool(), new Injector(storage.spool(), dsnPool), delivery.smtp().heloName(),
        new RetryPolicy(delivery.retry(), random), new RelayedNotices(), clock, random);
    return new NotifyingQueueControl(storage.queueControl(), storage.spool(), dsn, smtp.audit(), registry, clock);
  }

  /** What a reload applied. */
  record Reload(boolean certificates, int tenants) {}

  /**
   * Applies what can change without a restart (SIGHUP): the whole file is validated first
   * (ConfigCheck; on error nothing is applied), then the inbound TLS certificate and key are
   * read again and the configured tenants replaced. Listeners, spool, delivery, policy and
   * keys need a restart.
   *
   * @throws ConfigException naming the key and file when the new file does not validate
   */
  Reload reload(MailwardConfig next, String source, Map<String, String> env) {
    ConfigCheck.validate(next, source, env);
    boolean certificates = true;
    try {
      smtp.reloadCertificates();
    } catch (IOException e) {
      certificates = false;
      log.warn("reload: inbound TLS certificate not reloaded, keeping the current one: {}", e.getMessage());
    }
    int configured = -1;
    if (!next.tenants().isEmpty() && tenants instanceof org.mailward.admin.tenants.TenantRegistry registry) {
      configured = registry.reloadConfigured(ConfiguredTenants.from(next, source).all());
    }
    log.info("reload: TLS certificate {}; {} configured tenants{}", certificates ? "reloaded" : "kept",
        configured < 0 ? "unchanged" : Integer.toString(configured), "; other changes need a restart");
    return new Reload(certificates, configured);
  }

  public Map<String, InetSocketAddress> listeners() {
    return listeners;
  }

  TenantDirectory tenants() {
    return tenants;
  }

  /** The inbound AUTH lock-outs in force (list, clear by client address): for the admin API. */
  public AuthLockouts authLockouts() {
    return smtp.authLockouts();
  }

  /** The policy engine: consent registry, suppressions, unsubscribe revocation (the admin API's later). */
  public ConsentPolicyEngine policy() {
    return policy;
  }

  /** The spool and audit journal, for inspection by operators' tools and tests. */
  public SpoolStorage storage() {
    return storage;
  }

  /** Graceful stop: drains inbound sessions, then closes the spool. */
  @Override
  public void close() {
    admin.ifPresent(AdminEndpoint::close);
    smtp.shutdown(drain);
    unsubscribe.ifPresent(OneClickEndpoint::close);
    delivery.ifPresent(DeliveryService::close);
    metrics.ifPresent(MetricsEndpoint::close);
    for (ExecutorService e : executors) {
      e.shutdown();
    }
    for (ExecutorService e : executors) {
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    storage.close();
    log.info("Mailward stopped");
  }

  /**
   * The node's secrets (default: under dataDir/keys, created on first use, mode 0600): the
   * unsubscribe-token ring (active + retired within the token lifetime) and the redactor key.
   */
  record Secrets(SecretRing.Secrets tokenSecrets, Redactor redactor) {
    static Secrets load(MailwardConfig config, ModuleConfigs modules) throws IOException {
      if (Files.exists(RedactorRotation.staged(modules.redactorKeyFile()))) {
        throw new ConfigException("policy.redactorKeyFile", modules.source(), "a redactor-key rotation is unfinished ("
            + RedactorRotation.staged(modules.redactorKeyFile()) + " exists): finish it with `mailward keys rotate-redactor`");
      }
      SecretRing.Secrets tokens = SecretRing.loadOrCreate(modules.tokenSecretFile(),
          PolicyConfig.Global.defaults(new byte[32]).tokenLifetime(), Clock.systemUTC());
      return new Secrets(tokens, new Redactor(FirstStart.secret(modules.redactorKeyFile(), 32)));
    }
  }

  /**
   * After migrations re-wrote records in place (consent evidence sealed, format-1 control-plane
   * entries sealed, a redactor rotation), the overwritten values leave RocksDB's WAL and SST files:
   * the namespaces marked in {@link org.mailward.api.KeyValueStore#PURGE_PENDING} (by this start or
   * by one that crashed before its purge) plus {@code also} are purged, then the marks are deleted.
   */
  static void purgeMigrated(SpoolStorage storage, java.util.Collection<String> also) {
    var kv = storage.keyValueStore();
    java.util.Set<String> namespaces = new java.util.TreeSet<>(also);
    List<byte[]> marks = new ArrayList<>();
    kv.scan(org.mailward.api.KeyValueStore.PURGE_PENDING, new byte[0], null, (k, v) -> {
      marks.add(k);
      namespaces.add(new String(k, java.nio.charset.StandardCharsets.UTF_8));
      return true;
    });
    if (namespaces.isEmpty()) {
      return;
    }
    storage.purgeOverwritten(namespaces);
    var done = org.mailward.api.KeyValueStore.Batch.builder();
    marks.forEach(k -> done.delete(org.mailward.api.KeyValueStore.PURGE_PENDING, k));
    if (done.size() > 0) {
      kv.write(done.build());
    }
    log.info("records re-written sealed in {}: their old values are compacted away", namespaces);
  }

  static ExecutorService named(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory f = r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return Executors.newFixedThreadPool(threads, f);
  }
}
