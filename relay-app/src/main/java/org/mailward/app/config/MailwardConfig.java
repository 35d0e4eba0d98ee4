package org.mailward.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, as one immutable tree. Every key and its default is
 * in {@code mailward-defaults.yaml} (and docs/configuration.md); a user file only
 * says what differs. {@link ConfigLoader} validates it and names the key on error.
 */
public record MailwardConfig(
    String hostname,
    Path dataDir,
    Inbound inbound,
    Spool spool,
    Delivery delivery,
    Policy policy,
    Metrics metrics,
    Logging logging,
    Crypto crypto,
    UnsubscribeEndpoint unsubscribe,
    Admin admin,
    List<TenantEntry> tenants) {

  public MailwardConfig {
    tenants = List.copyOf(tenants);
  }

  public record Inbound(
      List<Listener> listeners,
      Tls tls,
      DataSize maxMessageSize,
      int maxRecipients,
      int maxLineLength,
      int maxErrors,
      Duration idleTimeout,
      int maxConnections,
      int maxConnectionsPerIp,
      int nullSenderPerMinute,
      Duration policyTimeout,
      Duration drainTimeout,
      AuthThrottle authThrottle) {
    public Inbound {
      listeners = List.copyOf(listeners);
      positive("maxRecipients", maxRecipients);
      positive("maxLineLength", maxLineLength);
      positive("maxErrors", maxErrors);
      positive("maxConnections", maxConnections);
      positive("maxConnectionsPerIp", maxConnectionsPerIp);
      positive("nullSenderPerMinute", nullSenderPerMinute);
      InvalidValue.check(maxLineLength >= 512, "maxLineLength", "must be at least 512 (RFC 5321)");
    }
  }

  public enum ListenerMode { STARTTLS, IMPLICIT_TLS }

  public record Listener(String name, String address, int port, ListenerMode mode) {
    public Listener {
      InvalidValue.check(port >= 0 && port <= 65535, "port", "must be 0..65535");
    }
  }

  /** Empty paths: a self-signed certificate is generated under dataDir/tls on first start. */
  public record Tls(String certificate, String key, Duration reloadCheckInterval) {}

  public record AuthThrottle(int maxFailuresPerIp, int maxFailuresPerUserAndIp, Duration window, Duration lockout,
      Duration failureDelay) {}

  /** Empty auditKey: audit.key in the master key's directory (dataDir/keys). */
  public record Spool(String directory, String masterKey, String masterKeyEnv, Duration masterKeyCheckInterval,
      String auditKey, DataSize minFreeSpace, int maxPendingCommits, String rollCycle) {}

  /** Mirrors relay-delivery's DeliveryConfig records one to one (docs/delivery.md). */
  public record Delivery(
      boolean enabled,
      Dns dns,
      Map<String, String> routes,
      Smtp smtp,
      DeliveryLimits limits,
      Retry retry,
      OutboundTls tls,
      MtaSts mtaSts,
      Dane dane,
      BounceBreaker bounceBreaker) {
    public Delivery {
      routes = Map.copyOf(routes);
    }
  }

  /** Empty resolver: the system's (/etc/resolv.conf). */
  public record Dns(String resolver, Duration timeout, Duration maxCacheTtl, boolean ipv6) {}

  /** Empty heloName: the top-level hostname. Empty sourceAddress: the system's choice. */
  public record Smtp(String heloName, String sourceAddress, int messagesPerConnection, int maxRecipientsPerTransaction,
      Duration connectTimeout, Duration commandTimeout, Duration dataTimeout, Duration idleTimeout) {}

  public record DeliveryLimits(int maxActive, int claimBatch, int maxInFlight, int perDomainConnections, int perMxConnections,
      double perDomainMessagesPerSecond, Duration pollInterval) {}

  /** delayWarning 0: no "delayed" DSNs. */
  public record Retry(Duration initialBackoff, Duration maxBackoff, double jitter, Duration queueLifetime,
      Duration fallbackDelay, Duration throttleBackoff, Duration delayWarning) {}

  /** Empty trustAnchors: the JDK's CA bundle. trustAnchors: PEM bundle or PKCS#12 store; the password only for the latter. */
  public record OutboundTls(String trustAnchors, String trustAnchorsPassword) {}

  public record MtaSts(boolean enabled, int httpsPort, Duration fetchTimeout, Duration maxPolicyAge) {}

  /**
   * The per-domain hard-bounce breaker: more than {@code threshold} mailbox bounces from one recipient domain
   * within {@code window} stop that domain's bounces from suppressing until an operator resets it.
   */
  public record BounceBreaker(int threshold, Duration window) {
    public BounceBreaker {
      InvalidValue.check(threshold >= 1, "threshold", "must be at least 1");
      InvalidValue.check(window != null && !window.isNegative() && !window.isZero(), "window", "must be longer than 0s");
    }
  }

  /** Empty resolver: dns.resolver. Empty trustAnchors: the IANA root key built into dnsjava. */
  public record Dane(boolean enabled, String resolver, String trustAnchors) {}

  /**
   * dkimKeysDir: where DKIM keys made through the admin API are kept (empty: dataDir/keys/dkim);
   * dkimPassphraseEnv: the variable holding their passphrase (empty: a generated file beside them).
   */
  public record Policy(String tokenSecretFile, String redactorKeyFile, String unsubscribeBaseUrl, Duration lookupTimeout,
      String dkimKeysDir, String dkimPassphraseEnv, PhiScan phiScan) {}

  /**
   * Bounds of the PHI scan at end of data: body bytes kept for it, encoded bytes read of one part
   * (attachment or text part), time for one message's attachment extraction.
   */
  public record PhiScan(DataSize bodyBytes, DataSize maxAttachmentBytes, Duration timeBudget) {
    /** Both sizes are held in memory by the scan: 1 KB to 256 MB. */
    static final long MAX_BYTES = 256L << 20;

    public PhiScan {
      InvalidValue.check(bodyBytes.bytes() >= 1024 && bodyBytes.bytes() <= MAX_BYTES, "bodyBytes", "must be between 1KB and 256MB");
      InvalidValue.check(maxAttachmentBytes.bytes() >= 1024 && maxAttachmentBytes.bytes() <= MAX_BYTES, "maxAttachmentBytes",
          "must be between 1KB and 256MB");
      InvalidValue.check(!timeBudget.isNegative() && !timeBudget.isZero(), "timeBudget", "must be positive");
    }
  }

  /** destinationGroups: group name to the domains (and their subdomains) it labels; others are "other". */
  public record Metrics(boolean enabled, String address, int port, Map<String, List<String>> destinationGroups) {
    public Metrics {
      destinationGroups = Map.copyOf(destinationGroups);
    }
  }

  public enum LogFormat { TEXT, JSON }

  /** Levels: error, warn, info, debug, trace (case-insensitive); levels maps logger names to levels. */
  public record Logging(LogFormat format, String level, Map<String, String> levels) {
    public Logging {
      levels = Map.copyOf(levels);
      InvalidValue.check(validLevel(level), "level", "must be one of error, warn, info, debug, trace");
      levels.forEach((name, l) -> InvalidValue.check(validLevel(l), "levels." + name, "must be one of error, warn, info, debug, trace"));
    }

    private static boolean validLevel(String l) {
      return l != null && List.of("error", "warn", "info", "debug", "trace", "off").contains(l.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** AUTO: AWS-LC (Amazon Corretto Crypto Provider) first when its native library loads; JDK: the JDK's providers only. */
  public enum CryptoProvider { AUTO, JDK }

  public record Crypto(CryptoProvider provider) {}

  /** The one-click unsubscribe HTTPS endpoint (docs/unsubscribe.md). Empty certificate/key: the inbound TLS files. */
  public record UnsubscribeEndpoint(boolean enabled, String address, int port, String certificate, String key) {
    public UnsubscribeEndpoint {
      InvalidValue.check(port >= 0 && port <= 65535, "port", "must be 0..65535");
    }
  }

  /** The admin API listener (docs/admin-api.md). Empty tls paths: plain HTTP, loopback only. */
  public record Admin(boolean enabled, String address, int port, String tokenFile, AdminTls tls, DataSize maxImportSize,
      AdminThrottle throttle) {
    public Admin {
      InvalidValue.check(port >= 0 && port <= 65535, "port", "must be 0..65535");
    }
  }

  /** {@code clientAuth}: want or need, used only when clientCa is set. */
  public record AdminTls(String certificate, String key, String clientCa, String clientAuth) {
    public AdminTls {
      InvalidValue.check(clientAuth.equals("want") || clientAuth.equals("need"), "clientAuth", "must be want or need");
    }
  }

  public record AdminThrottle(int maxFailures, Duration window, Duration lockout) {
    public AdminThrottle {
      positive("maxFailures", maxFailures);
    }
  }

  /** A tenant declared in configuration (the admin API manages them in a later release). */
  public record TenantEntry(
      String id,
      String username,
      String passwordHash,
      List<String> senderDomains,
      String defaultPurpose,
      String securityLevel,
      String fallback,
      int maxRecipients,
      DataSize maxMessageSize,
      int maxConnections,
      double messagesPerSecond,
      TenantPolicy policy) {
    public TenantEntry {
      senderDomains = List.copyOf(senderDomains);
    }
  }

  /** A tenant's policy settings (docs/policy.md). */
  public record TenantPolicy(
      List<PurposeRule> purposeRules,
      boolean purposeHeaderAllowed,
      Phi phi,
      Unsubscribe unsubscribe,
      Dkim dkim) {
    public TenantPolicy {
      purposeRules = List.copyOf(purposeRules);
    }
  }

  /** {@code on}: credential, sender_address or sender_domain. */
  public record PurposeRule(String on, String value, String purpose) {}

  public record Phi(
      boolean enabled,
      String subjectAction,
      String neutralSubject,
      String bodyLevel,
      int windowChars,
      boolean identifierAloneIsPhi,
      List<PhiPattern> patterns,
      String opaqueAttachmentLevel) {
    public Phi {
      patterns = List.copyOf(patterns);
    }
  }

  public record PhiPattern(String name, String regex) {}

  /** Empty strings mean "not set". */
  public record Unsubscribe(String baseUrl, String mailto, String espHeader, String espForwardUrl) {}

  /** Empty domain: no DKIM signing by Mailward. The key passphrase comes from the environment variable named. */
  public record Dkim(String domain, String selector, String keyFile, String passphraseEnv, boolean signAll) {}

  static void positive(String key, long value) {
    InvalidValue.check(value > 0, key, "must be positive");
  }

  public Optional<TenantEntry> tenant(String id) {
    return tenants.stream().filter(t -> t.id().equals(id)).findFirst();
  }
}
