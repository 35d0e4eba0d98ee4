package org.mailward.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.mailward.delivery.route.RouteOverride;

/**
 * The delivery module's part of the configuration tree: one immutable record per
 * concern, with the defaults listed in docs/delivery.md ("Delivery keys").
 * Validation happens in the constructors, and errors name the key. Holds no
 * behaviour beyond validation and the {@code with…} copies used by tests.
 */
public record DeliveryConfig(
    Dns dns,
    Map<String, RouteOverride> routes,
    Smtp smtp,
    Limits limits,
    Retry retry,
    Tls tls,
    MtaSts mtaSts,
    Dane dane) {

  public DeliveryConfig {
    routes = Map.copyOf(routes);
  }

  public static DeliveryConfig defaults() {
    return new DeliveryConfig(Dns.defaults(), Map.of(), Smtp.defaults(), Limits.defaults(), Retry.defaults(),
        Tls.defaults(), MtaSts.defaults(), Dane.defaults());
  }

  public DeliveryConfig withDns(Dns v) {
    return new DeliveryConfig(v, routes, smtp, limits, retry, tls, mtaSts, dane);
  }

  public DeliveryConfig withRoutes(Map<String, RouteOverride> v) {
    return new DeliveryConfig(dns, v, smtp, limits, retry, tls, mtaSts, dane);
  }

  public DeliveryConfig withSmtp(Smtp v) {
    return new DeliveryConfig(dns, routes, v, limits, retry, tls, mtaSts, dane);
  }

  public DeliveryConfig withLimits(Limits v) {
    return new DeliveryConfig(dns, routes, smtp, v, retry, tls, mtaSts, dane);
  }

  public DeliveryConfig withRetry(Retry v) {
    return new DeliveryConfig(dns, routes, smtp, limits, v, tls, mtaSts, dane);
  }

  public DeliveryConfig withTls(Tls v) {
    return new DeliveryConfig(dns, routes, smtp, limits, retry, v, mtaSts, dane);
  }

  public DeliveryConfig withMtaSts(MtaSts v) {
    return new DeliveryConfig(dns, routes, smtp, limits, retry, tls, v, dane);
  }

  public DeliveryConfig withDane(Dane v) {
    return new DeliveryConfig(dns, routes, smtp, limits, retry, tls, mtaSts, v);
  }

  /**
   * @param resolver the recursive resolver asked for MX, A, AAAA, TXT (delivery.dns.resolver)
   * @param timeout per query
   * @param maxCacheTtl answers are cached for min(TTL, this)
   * @param ipv6 whether AAAA records are looked up and tried (after IPv4)
   */
  public record Dns(InetSocketAddress resolver, Duration timeout, Duration maxCacheTtl, boolean ipv6) {
    public Dns {
      positive(timeout, "delivery.dns.timeout");
      if (maxCacheTtl.isNegative()) {
        throw new IllegalArgumentException("delivery.dns.maxCacheTtl must not be negative");
      }
    }

    public static Dns defaults() {
      return new Dns(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), Duration.ofSeconds(5), Duration.ofHours(1), true);
    }

    /** The first resolver of the system's configuration (/etc/resolv.conf), as dnsjava reads it. */
    public static InetSocketAddress systemResolver() {
      var servers = org.xbill.DNS.ResolverConfig.getCurrentConfig().servers();
      return servers.isEmpty() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 53) : servers.get(0);
    }
  }

  /**
   * @param heloName the name sent in EHLO (delivery.smtp.heloName)
   * @param sourceAddress local address to bind outbound connections to
   * @param messagesPerConnection messages sent over one connection before it is closed
   * @param idleTimeout how long an idle connection is kept for reuse
   */
  public record Smtp(
      String heloName,
      Optional<InetAddress> sourceAddress,
      int messagesPerConnection,
      int maxRecipientsPerTransaction,
      Duration connectTimeout,
      Duration commandTimeout,
      Duration dataTimeout,
      Duration idleTimeout) {
    public Smtp {
      if (heloName.isBlank()) {
        throw new IllegalArgumentException("delivery.smtp.heloName must not be blank");
      }
      atLeastOne(messagesPerConnection, "delivery.smtp.messagesPerConnection");
      atLeastOne(maxRecipientsPerTransaction, "delivery.smtp.maxRecipientsPerTransaction");
      positive(connectTimeout, "delivery.smtp.connectTimeout");
      positive(commandTimeout, "delivery.smtp.commandTimeout");
      positive(dataTimeout, "delivery.smtp.dataTimeout");
      if (idleTimeout.isNegative()) {
        throw new IllegalArgumentException("delivery.smtp.idleTimeout must not be negative");
      }
    }

    public static Smtp defaults() {
      return new Smtp("localhost", Optional.empty(), 100, 100, Duration.ofSeconds(30), Duration.ofMinutes(5),
          Duration.ofMinutes(10), Duration.ofSeconds(5));
    }

    public Smtp withHeloName(String v) {
      return new Smtp(v, sourceAddress, messagesPerConnection, maxRecipientsPerTransaction, connectTimeout, commandTimeout,
          dataTimeout, idleTimeout);
    }

    public Smtp withMessagesPerConnection(int v) {
      return new Smtp(heloName, sourceAddress, v, maxRecipientsPerTransaction, connectTimeout, commandTimeout, dataTimeout,
          idleTimeout);
    }

    public Smtp withTimeouts(Duration connect, Duration command) {
      return new Smtp(heloName, sourceAddress, messagesPerConnection, maxRecipientsPerTransaction, connect, command, dataTimeout,
          idleTimeout);
    }
  }

  /**
   * @param maxActive recipients claimed from the spool and held in memory at most (the active set)
   * @param claimBatch recipients claimed per spool call
   * @param maxInFlight delivery batches running at once
   * @param perDomainConnections concurrent batches (connections) per destination domain
   * @param perMxConnections concurrent connections per MX host
   * @param perDomainMessagesPerSecond message-rate limit per destination domain (token bucket); 0 = unlimited
   * @param pollInterval how often the scheduler looks for due mail when idle
   */
  public record Limits(
      int maxActive,
      int claimBatch,
      int maxInFlight,
      int perDomainConnections,
      int perMxConnections,
      double perDomainMessagesPerSecond,
      Duration pollInterval) {
    public Limits {
      atLeastOne(maxActive, "delivery.limits.maxActive");
      atLeastOne(claimBatch, "delivery.limits.claimBatch");
      atLeastOne(maxInFlight, "delivery.limits.maxInFlight");
      atLeastOne(perDomainConnections, "delivery.limits.perDomainConnections");
      atLeastOne(perMxConnections, "delivery.limits.perMxConnections");
      if (perDomainMessagesPerSecond < 0) {
        throw new IllegalArgumentException("delivery.limits.perDomainMessagesPerSecond must not be negative");
      }
      positive(pollInterval, "delivery.limits.pollInterval");
    }

    public static Limits defaults() {
      return new Limits(10_000, 500, 64, 8, 8, 0, Duration.ofMillis(250));
    }
  }

  /**
   * @param initialBackoff first retry delay; doubles per attempt up to {@code maxBackoff}
   * @param jitter fraction (0..1) of random spread around each delay
   * @param queueLifetime after this age a deferred recipient bounces (Postfix maximal_queue_lifetime)
   * @param fallbackDelay how long a recipient whose TLS level cannot be met is retried under fallback DEFER
   * @param throttleBackoff pause for a destination after a 421 or 4.7.x reply
   * @param delayWarning age after which a still-deferred recipient's sender gets one "delayed" DSN (NOTIFY=DELAY,
   *     the default); zero disables (Postfix delay_warning_time, sendmail Timeout.queuewarn)
   */
  public record Retry(Duration initialBackoff, Duration maxBackoff, double jitter, Duration queueLifetime, Duration fallbackDelay,
      Duration throttleBackoff, Duration delayWarning) {
    public Retry {
      positive(initialBackoff, "delivery.retry.initialBackoff");
      positive(maxBackoff, "delivery.retry.maxBackoff");
      positive(queueLifetime, "delivery.retry.queueLifetime");
      positive(fallbackDelay, "delivery.retry.fallbackDelay");
      positive(throttleBackoff, "delivery.retry.throttleBackoff");
      if (jitter < 0 || jitter > 1) {
        throw new IllegalArgumentException("delivery.retry.jitter must be between 0 and 1");
      }
      if (delayWarning.isNegative()) {
        throw new IllegalArgumentException("delivery.retry.delayWarning must not be negative (0 disables it)");
      }
    }

    /** With the default {@code delayWarning} (4h). */
    public Retry(Duration initialBackoff, Duration maxBackoff, double jitter, Duration queueLifetime, Duration fallbackDelay,
        Duration throttleBackoff) {
      this(initialBackoff, maxBackoff, jitter, queueLifetime, fallbackDelay, throttleBackoff, Duration.ofHours(4));
    }

    public static Retry defaults() {
      return new Retry(Duration.ofMinutes(5), Duration.ofHours(4), 0.2, Duration.ofDays(5), Duration.ofDays(1), Duration.ofMinutes(1),
          Duration.ofHours(4));
    }

    public Retry withDelayWarning(Duration v) {
      return new Retry(initialBackoff, maxBackoff, jitter, queueLifetime, fallbackDelay, throttleBackoff, v);
    }
  }

  /**
   * @param trustAnchors CA certificates for VERIFY and MTA-STS: a PEM bundle or a PKCS#12 trust store (told
   *     apart by content); empty = the JDK's cacerts
   * @param trustAnchorsPassword the PKCS#12 store's password (integrity only; empty: none); unused for PEM
   */
  public record Tls(Optional<Path> trustAnchors, Optional<String> trustAnchorsPassword) {
    /** Without a trust-store password. */
    public Tls(Optional<Path> trustAnchors) {
      this(trustAnchors, Optional.empty());
    }

    public static Tls defaults() {
      return new Tls(Optional.empty(), Optional.empty());
    }
  }

  /**
   * @param httpsPort port the policy is fetched from (443; tests point it at their own server)
   * @param maxPolicyAge upper bound on a cached policy's max_age
   */
  public record MtaSts(boolean enabled, int httpsPort, Duration fetchTimeout, Duration maxPolicyAge) {
    public MtaSts {
      if (httpsPort < 1 || httpsPort > 65535) {
        throw new IllegalArgumentException("delivery.mtaSts.httpsPort must be a port number");
      }
      positive(fetchTimeout, "delivery.mtaSts.fetchTimeout");
      positive(maxPolicyAge, "delivery.mtaSts.maxPolicyAge");
    }

    public static MtaSts defaults() {
      return new MtaSts(true, 443, Duration.ofSeconds(10), Duration.ofDays(365));
    }
  }

  /**
   * @param resolver the upstream asked for TLSA and DNSSEC records; empty = delivery.dns.resolver
   * @param trustAnchors zone-file with DS or DNSKEY records; empty = the IANA root KSK-2017
   */
  public record Dane(boolean enabled, Optional<InetSocketAddress> resolver, Optional<Path> trustAnchors) {
    public static Dane defaults() {
      return new Dane(true, Optional.empty(), Optional.empty());
    }
  }

  private static void positive(Duration d, String key) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
  }

  private static void atLeastOne(int v, String key) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be at least 1");
    }
  }
}
