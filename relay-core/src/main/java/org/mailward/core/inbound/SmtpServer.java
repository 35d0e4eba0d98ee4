package org.mailward.core.inbound;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuthLockouts;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Redactor;
import org.mailward.api.Spool;
import org.mailward.api.TenantDirectory;
import org.mailward.core.auth.AuthThrottle;
import org.mailward.core.auth.Authenticator;
import org.mailward.core.auth.PasswordHasher;
import org.mailward.core.smtp.ProtocolSettings;
import org.mailward.core.smtp.SmtpProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound ESMTP server: binds the configured listeners (STARTTLS or
 * implicit TLS) on epoll where available, NIO otherwise, and runs one
 * {@link SmtpChannelHandler} per connection. Lifecycle: {@link #start()},
 * {@link #reloadCertificates()}, {@link #shutdown(Duration)}. Holds no static state.
 */
public final class SmtpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpServer.class);
  private static final Duration AUDIT_PROBE_EVERY = Duration.ofSeconds(1);

  private final InboundConfig config;
  private final InboundServices services;
  private final InboundMetrics metrics = new InboundMetrics();
  private final AuthThrottle throttle;
  private final AuditGuard audit;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ChannelGroup sessions;
  private final List<Channel> listeners = new ArrayList<>();
  private ScheduledFuture<?> reloadCheck;

  /**
   * @param blockingWork runs password hashing (CPU-heavy); a small bounded pool
   */
  public SmtpServer(InboundConfig config, TenantDirectory tenants, PolicyEngine policy, Spool spool, AuditJournal audit,
      Redactor redactor, Clock clock, Executor blockingWork) {
    this(config, tenants, policy, spool, audit, redactor, clock, blockingWork, new PasswordHasher());
  }

  /** As above, with a given hasher (its parameters only matter for the unknown-user dummy hash). */
  public SmtpServer(InboundConfig config, TenantDirectory tenants, PolicyEngine policy, Spool spool, AuditJournal audit,
      Redactor redactor, Clock clock, Executor blockingWork, PasswordHasher hasher) {
    this.config = config;
    var limits = config.limits();
    SmtpProtocol protocol = new SmtpProtocol(
        new ProtocolSettings(config.hostname(), limits.maxMessageBytes(), limits.maxRecipients(), limits.maxErrors()));
    this.throttle = new AuthThrottle(config.authThrottling(), clock, metrics.authLockouts);
    this.audit = new AuditGuard(audit, clock, AUDIT_PROBE_EVERY, metrics.auditAppendFailures);
    CaughtFailures failures = new CaughtFailures(metrics.caughtExceptions);
    Authenticator authenticator = new Authenticator(tenants, hasher, throttle, blockingWork, this.audit, redactor, clock, failures);
    this.services = new InboundServices(config, protocol, authenticator, policy, spool, this.audit, redactor, clock,
        new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerIp()), new TenantRateLimiter(clock), new TenantRateLimiter(clock),
        new MessageAcceptance(this.audit, clock, config.timeouts().policy(), metrics, failures), new ServerTls(config.tls(), failures), metrics,
        failures);
  }

  /** Binds every listener; returns the bound addresses by listener name (useful with port 0). */
  public synchronized Map<String, InetSocketAddress> start() throws InterruptedException {
    if (boss != null) {
      throw new IllegalStateException("already started");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    boss = new MultiThreadIoEventLoopGroup(1, factory);
    workers = new MultiThreadIoEventLoopGroup(0, factory);
    sessions = new DefaultChannelGroup("smtp-sessions", GlobalEventExecutor.INSTANCE);
    Map<String, InetSocketAddress> bound = new java.util.LinkedHashMap<>();
    try {
      for (InboundConfig.Listener l : config.listeners()) {
        boolean implicit = l.mode() == InboundConfig.Mode.IMPLICIT_TLS;
        ServerBootstrap b = new ServerBootstrap()
            .group(boss, workers)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                sessions.add(ch);
                if (implicit) {
                  ch.pipeline().addLast("tls", services.tls().newHandler(ch.alloc()));
                }
                ch.pipeline().addLast("idle", new IdleStateHandler(config.timeouts().idle().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("smtp", new SmtpChannelHandler(services, implicit));
              }
            });
        Channel ch = b.bind(l.bindAddress(), l.port()).sync().channel();
        listeners.add(ch);
        bound.put(l.name(), (InetSocketAddress) ch.localAddress());
      }
    } catch (RuntimeException | InterruptedException e) {
      shutdown(Duration.ZERO);
      throw e;
    }
    long every = config.tls().reloadCheckInterval().toMillis();
    if (every > 0) {
      reloadCheck = boss.next().scheduleWithFixedDelay(() -> services.tls().reloadIfChanged(), every, every, TimeUnit.MILLISECONDS);
    }
    LOG.info("inbound SMTP listening on {} ({} transport, {} TLS)", bound.values(), epoll ? "epoll" : "nio", services.tls().providerName());
    return bound;
  }

  /** Loads the certificate and key files again; new connections use them. Throws (and keeps the old ones) if they are bad. */
  public void reloadCertificates() throws IOException {
    services.tls().reload();
  }

  /** The TLS implementation in use: {@code OPENSSL} (BoringSSL) or {@code JDK}. */
  public String tlsProvider() {
    return services.tls().providerName();
  }

  public InboundMetrics metrics() {
    return metrics;
  }

  /**
   * The audit journal as this server uses it: appends never throw, a failed one is counted and logged and
   * makes {@link AuditJournal#health()} {@code FAILING} (new mail gets 451 4.3.0) until an append succeeds.
   * relay-app hands this same object to delivery, so delivery's failed appends count too and it can pause on it.
   */
  public AuditJournal audit() {
    return audit;
  }

  /** The AUTH lock-outs in force, for operators (the admin API lists and clears them). */
  public AuthLockouts authLockouts() {
    return throttle;
  }

  /**
   * Graceful shutdown: stops accepting, tells idle sessions {@code 421 4.3.2},
   * lets transactions in progress finish for up to {@code drain}, then closes the rest.
   */
  public synchronized void shutdown(Duration drain) {
    if (boss == null) {
      return;
    }
    if (reloadCheck != null) {
      reloadCheck.cancel(false);
    }
    for (Channel l : listeners) {
      l.close().awaitUninterruptibly();
    }
    listeners.clear();
    for (Channel s : sessions) {
      s.pipeline().fireUserEventTriggered(SmtpChannelHandler.SHUTDOWN);
    }
    long deadline = System.nanoTime() + drain.toNanos();
    while (!sessions.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Channel s : sessions) {
      s.pipeline().fireUserEventTriggered(SmtpChannelHandler.FORCE_CLOSE);
    }
    sessions.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    boss = null;
    workers = null;
  }

  @Override
  public void close() {
    shutdown(config.timeouts().drain());
  }
}
