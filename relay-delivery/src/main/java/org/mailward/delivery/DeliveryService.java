package org.mailward.delivery;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.mailward.api.AuditJournal;
import org.mailward.api.DestinationTlsPolicies;
import org.mailward.api.Destinations;
import org.mailward.api.MessageFinisher;
import org.mailward.api.PortalDrop;
import org.mailward.api.Redactor;
import org.mailward.api.Spool;
import org.mailward.delivery.dsn.DsnWriter;
import org.mailward.delivery.dsn.Injector;
import org.mailward.delivery.dsn.RelayedNotices;
import org.mailward.delivery.fallback.Fallback;
import org.mailward.delivery.route.DnsClient;
import org.mailward.delivery.route.Router;
import org.mailward.delivery.schedule.RetryPolicy;
import org.mailward.delivery.schedule.Scheduler;
import org.mailward.delivery.smtp.AttemptAudit;
import org.mailward.delivery.smtp.AttemptLog;
import org.mailward.delivery.smtp.ConnectionPool;
import org.mailward.delivery.smtp.LastOutcomes;
import org.mailward.delivery.smtp.SmtpDeliveryAgent;
import org.mailward.delivery.tls.DaneApplicability;
import org.mailward.delivery.tls.DaneResolver;
import org.mailward.delivery.tls.MtaSts;
import org.mailward.delivery.tls.PeerVerifier;
import org.mailward.delivery.tls.TrustAnchors;

/**
 * Outbound delivery, wired: the scheduler, the SMTP agent and everything they
 * need (event loop, DNS, TLS context, MTA-STS, DANE, DSN). What relay-app
 * constructs and starts; owns its threads and closes them in {@link #stop()}.
 * The TLS context is built once so that sessions resume across connections; the
 * handshake accepts any certificate and each level is judged after it, before
 * any command that carries mail (see {@link PeerVerifier}).
 */
public final class DeliveryService implements AutoCloseable {
  private final EventLoopGroup group;
  private final ExecutorService bodyExecutor;
  private final ExecutorService dnsExecutor;
  private final ExecutorService fetchExecutor;
  private final ScheduledExecutorService schedulerThread;
  private final ConnectionPool pool;
  private final SmtpDeliveryAgent agent;
  private final Scheduler scheduler;

  private final DestinationView destinations;

  public DeliveryService(DeliveryConfig config, Spool spool, AuditJournal audit, MessageFinisher finisher,
      Optional<PortalDrop> portal, Redactor redactor, Clock clock) {
    this(config, spool, audit, finisher, portal, redactor, DestinationTlsPolicies.NONE, clock);
  }

  /** @param domainPolicies operators' per-destination TLS policies (the control plane's), read on every attempt */
  public DeliveryService(DeliveryConfig config, Spool spool, AuditJournal audit, MessageFinisher finisher,
      Optional<PortalDrop> portal, Redactor redactor, DestinationTlsPolicies domainPolicies, Clock clock) {
    boolean epoll = Epoll.isAvailable();
    this.group = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("mailward-out"), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.bodyExecutor = Executors.newFixedThreadPool(config.limits().maxInFlight(), new DefaultThreadFactory("mailward-body"));
    this.dnsExecutor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("mailward-dns"));
    this.fetchExecutor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("mailward-mta-sts"));
    this.schedulerThread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mailward-scheduler"));
    Bootstrap bootstrap = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
    TrustAnchors anchors = TrustAnchors.load(config.tls().trustAnchors(), config.tls().trustAnchorsPassword());
    this.pool = new ConnectionPool(bootstrap, config.smtp(), sslContext(), config.limits().perMxConnections());
    DnsClient dns = new DnsClient(config.dns().resolver(), config.dns().timeout(), config.dns().maxCacheTtl(), clock, dnsExecutor);
    Router router = new Router(config.routes(), dns, config.dns().ipv6());
    Optional<MtaSts> mtaSts = config.mtaSts().enabled()
        ? Optional.of(new MtaSts(dns, anchors.sslContext(), config.mtaSts().httpsPort(), config.mtaSts().fetchTimeout(),
            config.mtaSts().maxPolicyAge(), clock, fetchExecutor))
        : Optional.empty();
    Optional<DaneApplicability> dane = config.dane().enabled()
        ? Optional.of(new DaneApplicability(new DaneResolver(config.dane().resolver().orElse(config.dns().resolver()),
            config.dane().trustAnchors(), config.dns().timeout(), clock, dnsExecutor)))
        : Optional.empty();
    RetryPolicy retry = new RetryPolicy(config.retry(), ThreadLocalRandom.current());
    SecureRandom ids = new SecureRandom();
    Injector injector = new Injector(spool, bodyExecutor);
    Fallback fallback = new Fallback(portal, injector, retry, clock, ids);
    Scheduler[] self = new Scheduler[1];
    RelayedNotices relayed = new RelayedNotices();
    LastOutcomes last = new LastOutcomes();
    this.agent = new SmtpDeliveryAgent(router, mtaSts, dane, pool, new PeerVerifier(anchors.trustManager()), finisher, bodyExecutor,
        retry, fallback, new AttemptAudit(audit, redactor, clock), new AttemptLog(), domain -> self[0].throttled(domain), relayed,
        config.smtp(), domainPolicies, last, clock);
    DsnWriter dsn = new DsnWriter(spool, injector, config.smtp().heloName(), retry, relayed, clock, ids);
    this.scheduler = new Scheduler(spool, agent, dsn, retry, config, clock, schedulerThread);
    self[0] = scheduler;
    this.destinations = new DestinationView(router, config.routes(), mtaSts, dane, scheduler, last);
  }

  /** What delivery believes about a destination (the {@code Destinations} port relay-app hands to the admin API). */
  public Destinations destinations() {
    return destinations;
  }

  private static SslContext sslContext() {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .trustManager(InsecureTrustManagerFactory.INSTANCE) // judged after the handshake, before any mail command
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the outbound TLS context", e);
    }
  }

  public void start() {
    scheduler.start();
  }

  /** Stops claiming, closes idle connections and the threads (in-flight attempts are abandoned; their leases lapse on restart). */
  public void stop() {
    scheduler.stop();
    pool.closeIdle();
    schedulerThread.shutdown();
    bodyExecutor.shutdown();
    dnsExecutor.shutdown();
    fetchExecutor.shutdown();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public void close() {
    stop();
  }

  /** The agent alone (for a caller with its own scheduling, and for tests). */
  public SmtpDeliveryAgent agent() {
    return agent;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public ConnectionPool pool() {
    return pool;
  }
}
