package org.mailward.app;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.MailwardConfig;
import org.mailward.core.inbound.InboundConfig;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.route.RouteOverride;
import org.mailward.policy.PolicyConfig;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.crypto.MasterKey;

/**
 * Maps the operator's configuration tree onto each module's own configuration
 * record. Module constructors validate; their complaints are re-thrown as
 * {@link ConfigException}s naming the operator's key and file.
 */
final class ModuleConfigs {
  private final MailwardConfig config;
  private final String source;
  private final Map<String, String> env;

  ModuleConfigs(MailwardConfig config, String source, Map<String, String> env) {
    this.config = config;
    this.source = source;
    this.env = env;
  }

  Path dataDir() {
    return config.dataDir().toAbsolutePath().normalize();
  }

  Path resolve(String configured, Path fallback) {
    return configured == null || configured.isBlank() ? fallback : dataDir().resolve(configured).normalize();
  }

  InboundConfig inbound(Path certificate, Path key) {
    MailwardConfig.Inbound in = config.inbound();
    return check("inbound", () -> {
      List<InboundConfig.Listener> listeners = in.listeners().stream()
          .map(l -> new InboundConfig.Listener(l.name(), l.address(), l.port(),
              l.mode() == MailwardConfig.ListenerMode.IMPLICIT_TLS ? InboundConfig.Mode.IMPLICIT_TLS : InboundConfig.Mode.STARTTLS))
          .toList();
      return new InboundConfig(config.hostname(), listeners,
          new InboundConfig.Tls(certificate, key, in.tls().reloadCheckInterval()),
          new InboundConfig.Limits(in.maxMessageSize().bytes(), in.maxRecipients(), in.maxLineLength(), in.maxErrors(),
              in.maxConnections(), in.maxConnectionsPerIp(), in.nullSenderPerMinute()),
          new InboundConfig.Timeouts(in.idleTimeout(), in.policyTimeout(), in.drainTimeout()),
          new InboundConfig.AuthThrottling(in.authThrottle().maxFailuresPerIp(), in.authThrottle().maxFailuresPerUserAndIp(),
              in.authThrottle().window(), in.authThrottle().lockout(), in.authThrottle().failureDelay()));
    });
  }

  SpoolConfig spool() {
    MailwardConfig.Spool s = config.spool();
    Path dir = resolve(s.directory(), dataDir().resolve("spool"));
    Path key = resolve(s.masterKey(), dataDir().resolve("keys").resolve("master.key"));
    SpoolConfig.Roll roll = check("spool.rollCycle", () -> SpoolConfig.Roll.valueOf(s.rollCycle().trim().toUpperCase(Locale.ROOT)));
    SpoolConfig d = SpoolConfig.defaults(dir);
    return check("spool", () -> new SpoolConfig(dir, key, roll, s.maxPendingCommits(), d.maxPendingBytes(),
        s.minFreeSpace().bytes(), d.frameBytes(), d.durability(), d.freeSpaceCheckInterval()));
  }

  /** The audit chain's HMAC key file (spool.auditKey; default audit.key beside the master key). */
  Path auditKey() {
    return resolve(config.spool().auditKey(), org.mailward.queue.spool.SpoolSetup.defaultAuditKey(spool()));
  }

  /** The master keyring: from {@code spool.masterKeyEnv} when it names a variable, else the key file. */
  MasterKey masterKeyring() {
    MailwardConfig.Spool s = config.spool();
    if (!s.masterKeyEnv().isBlank()) {
      return check("spool.masterKeyEnv", () -> {
        try {
          return MasterKey.fromEnvironment(s.masterKeyEnv().trim(), env, new SecureRandom());
        } catch (IllegalStateException e) {
          throw new IllegalArgumentException(e.getMessage(), e);
        }
      });
    }
    return check("spool.masterKey", () -> {
      try {
        return MasterKey.loadOrCreate(spool().masterKeyFile(), new SecureRandom());
      } catch (IllegalStateException | java.io.UncheckedIOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    });
  }

  /** The unsubscribe-token secret ring: {@code policy.tokenSecretFile}, else dataDir/keys/policy.key. */
  Path tokenSecretFile() {
    return resolve(config.policy().tokenSecretFile(), dataDir().resolve("keys").resolve("policy.key"));
  }

  /** Where DKIM keys made through the admin API live: {@code policy.dkimKeysDir}, else dataDir/keys/dkim. */
  Path dkimKeysDir() {
    return resolve(config.policy().dkimKeysDir(), dataDir().resolve("keys").resolve("dkim"));
  }

  /**
   * The passphrase of those keys: the variable {@code policy.dkimPassphraseEnv} names (checked now,
   * so a missing one fails start-up naming the key), else a generated file {@code dataDir/keys/dkim.passphrase}.
   */
  java.util.function.Supplier<char[]> dkimPassphrase() {
    String name = config.policy().dkimPassphraseEnv().trim();
    if (!name.isEmpty()) {
      String value = check("policy.dkimPassphraseEnv", () -> {
        if (name.startsWith("MAILWARD_")) {
          throw new IllegalArgumentException("must not start with MAILWARD_ (those variables override configuration keys)");
        }
        String v = env.get(name);
        if (v == null || v.length() < 12) {
          throw new IllegalArgumentException("environment variable " + name + " is unset or shorter than 12 characters");
        }
        return v;
      });
      return value::toCharArray;
    }
    Path file = dataDir().resolve("keys").resolve("dkim.passphrase");
    return () -> {
      try {
        return java.util.Base64.getEncoder().encodeToString(FirstStart.secret(file, 32)).toCharArray();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /** The configuration file's name (or "built-in defaults"), for errors. */
  String source() {
    return source;
  }

  /** The redactor (and consent-registry hash) key: {@code policy.redactorKeyFile}, else dataDir/keys/redactor.key. */
  Path redactorKeyFile() {
    return resolve(config.policy().redactorKeyFile(), dataDir().resolve("keys").resolve("redactor.key"));
  }

  /** How the spool re-wraps data keys after a master-key rotation. */
  DataKeyRewrapper.Settings keyRotation() {
    return check("spool.masterKeyCheckInterval",
        () -> DataKeyRewrapper.Settings.defaults().withCheckInterval(config.spool().masterKeyCheckInterval()));
  }

  DeliveryConfig delivery() {
    MailwardConfig.Delivery d = config.delivery();
    var dnsResolver = d.dns().resolver().isBlank() ? DeliveryConfig.Dns.systemResolver()
        : check("delivery.dns.resolver", () -> hostPort(d.dns().resolver(), 53));
    var dns = check("delivery.dns", () -> new DeliveryConfig.Dns(dnsResolver, d.dns().timeout(), d.dns().maxCacheTtl(),
        d.dns().ipv6()));
    Map<String, RouteOverride> routes = new HashMap<>();
    d.routes().forEach((domain, spec) ->
        routes.put(domain.toLowerCase(Locale.ROOT), check("delivery.routes." + domain, () -> RouteOverride.parse(spec))));
    var s = d.smtp();
    var smtp = check("delivery.smtp", () -> new DeliveryConfig.Smtp(s.heloName().isBlank() ? config.hostname() : s.heloName(),
        optional(s.sourceAddress()).map(a -> {
          try {
            return java.net.InetAddress.getByName(a);
          } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("sourceAddress: not an address: " + a);
          }
        }),
        s.messagesPerConnection(), s.maxRecipientsPerTransaction(), s.connectTimeout(), s.commandTimeout(), s.dataTimeout(),
        s.idleTimeout()));
    var l = d.limits();
    var limits = check("delivery.limits", () -> new DeliveryConfig.Limits(l.maxActive(), l.claimBatch(), l.maxInFlight(),
        l.perDomainConnections(), l.perMxConnections(), l.perDomainMessagesPerSecond(), l.pollInterval()));
    var r = d.retry();
    var retry = check("delivery.retry", () -> new DeliveryConfig.Retry(r.initialBackoff(), r.maxBackoff(), r.jitter(),
        r.queueLifetime(), r.fallbackDelay(), r.throttleBackoff(), r.delayWarning()));
    var tls = new DeliveryConfig.Tls(optional(d.tls().trustAnchors()).map(p -> dataDir().resolve(p)),
        optional(d.tls().trustAnchorsPassword()));
    var sts = check("delivery.mtaSts", () -> new DeliveryConfig.MtaSts(d.mtaSts().enabled(), d.mtaSts().httpsPort(),
        d.mtaSts().fetchTimeout(), d.mtaSts().maxPolicyAge()));
    var dane = new DeliveryConfig.Dane(d.dane().enabled(),
        optional(d.dane().resolver()).map(v -> check("delivery.dane.resolver", () -> hostPort(v, 53))),
        optional(d.dane().trustAnchors()).map(p -> dataDir().resolve(p)));
    return new DeliveryConfig(dns, routes, smtp, limits, retry, tls, sts, dane);
  }

  /** {@code host:port}, {@code [v6]:port} or a bare host (then {@code defaultPort}). */
  static java.net.InetSocketAddress hostPort(String text, int defaultPort) {
    String t = text.trim();
    String host = t;
    int port = defaultPort;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      host = t.substring(1, close);
      if (t.length() > close + 1) {
        port = Integer.parseInt(t.substring(close + 2));
      }
    } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      host = t.substring(0, t.indexOf(':'));
      port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range in " + text);
    }
    return new java.net.InetSocketAddress(host, port);
  }

  PolicyConfig policy(SecretRing.Secrets tokenSecrets) {
    MailwardConfig.PhiScan scan = config.policy().phiScan();
    check("policy.phiScan.timeBudget", () -> {
      if (scan.timeBudget().compareTo(config.inbound().policyTimeout()) >= 0) {
        throw new IllegalArgumentException("must be shorter than inbound.policyTimeout (" + config.inbound().policyTimeout()
            + "), or every message with a slow attachment would be answered 451 4.3.0");
      }
      return scan;
    });
    PolicyConfig.Global global = check("policy", () -> {
      PolicyConfig.Global d = PolicyConfig.Global.defaults(tokenSecrets.active());
      return new PolicyConfig.Global(tokenSecrets.active(), d.tokenLifetime(), d.consentCacheSize(), d.consentCacheTtl(),
          config.policy().lookupTimeout(), (int) scan.bodyBytes().bytes(), tokenSecrets.retired(),
          new PolicyConfig.ExtractionLimits((int) scan.maxAttachmentBytes().bytes(), scan.timeBudget()));
    });
    Map<TenantId, PolicyConfig.TenantPolicy> tenants = new HashMap<>();
    for (int i = 0; i < config.tenants().size(); i++) {
      MailwardConfig.TenantEntry t = config.tenants().get(i);
      String at = "tenants[" + i + "].policy";
      tenants.put(new TenantId(t.id()), check(at, () -> tenantPolicy(t.policy(), at)));
    }
    return new PolicyConfig(global, tenants);
  }

  private PolicyConfig.TenantPolicy tenantPolicy(MailwardConfig.TenantPolicy p, String at) {
    List<PolicyConfig.PurposeRule> rules = p.purposeRules().stream()
        .map(r -> new PolicyConfig.PurposeRule(PolicyConfig.MatchOn.valueOf(upper(r.on())), r.value(), Purpose.fromLabel(r.purpose())))
        .toList();
    MailwardConfig.Phi phi = p.phi();
    PolicyConfig.PhiPolicy phiPolicy = new PolicyConfig.PhiPolicy(phi.enabled(),
        PolicyConfig.SubjectAction.valueOf(upper(phi.subjectAction())), phi.neutralSubject(),
        SecurityLevel.fromLabel(phi.bodyLevel()), phi.windowChars(), phi.identifierAloneIsPhi(),
        phi.patterns().stream().map(x -> new PolicyConfig.TenantPattern(x.name(), x.regex())).toList(),
        optional(phi.opaqueAttachmentLevel()).map(SecurityLevel::fromLabel));
    MailwardConfig.Unsubscribe u = p.unsubscribe();
    Optional<URI> base = optional(u.baseUrl()).or(() -> optional(config.policy().unsubscribeBaseUrl())).map(URI::create);
    PolicyConfig.UnsubscribePolicy unsubscribe = new PolicyConfig.UnsubscribePolicy(base, optional(u.mailto()),
        PolicyConfig.EspHeader.valueOf(upper(u.espHeader())), optional(u.espForwardUrl()).map(URI::create));
    MailwardConfig.Dkim k = p.dkim();
    Optional<PolicyConfig.DkimPolicy> dkim = Optional.empty();
    if (!k.domain().isBlank()) {
      String pass = k.passphraseEnv().isBlank() ? null : env.get(k.passphraseEnv());
      if (pass == null) {
        throw new ConfigException(at + ".dkim.passphraseEnv", source,
            "names no environment variable that is set (the DKIM key's passphrase must come from one)");
      }
      if (k.selector().isBlank() || k.keyFile().isBlank()) {
        throw new ConfigException(at + ".dkim", source, "selector and keyFile are required with a domain");
      }
      dkim = Optional.of(new PolicyConfig.DkimPolicy(k.domain(), k.selector(), dataDir().resolve(k.keyFile()), pass, k.signAll()));
    }
    return new PolicyConfig.TenantPolicy(rules, p.purposeHeaderAllowed(), phiPolicy, unsubscribe, dkim);
  }

  private static String upper(String s) {
    return s.trim().replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Optional<String> optional(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  /** Runs a module constructor; its IllegalArgumentException becomes a ConfigException for {@code key}. */
  <T> T check(String key, Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException(key, source, String.valueOf(e.getMessage()));
    }
  }
}
