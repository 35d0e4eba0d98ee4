package org.mailward.policy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;

/**
 * The policy module's whole configuration: global settings and one {@link TenantPolicy} per
 * tenant. Immutable and validated on construction; relay-app builds it from its YAML tree.
 * Tenants without an entry get {@link TenantPolicy#defaults()}.
 */
public record PolicyConfig(Global global, Map<TenantId, TenantPolicy> tenants) {

  public PolicyConfig {
    tenants = Map.copyOf(tenants);
  }

  public TenantPolicy tenant(TenantId id) {
    return tenants.getOrDefault(id, TenantPolicy.defaults());
  }

  /**
   * Settings shared by every tenant.
   *
   * @param tokenSecret HMAC key for unsubscribe tokens (at least 32 bytes, from a secret file)
   * @param tokenLifetime how long an unsubscribe link keeps working
   * @param consentCacheSize entries in the in-memory consent/suppression cache
   * @param consentCacheTtl how long a cached answer is trusted (bounds staleness across nodes)
   * @param lookupTimeout a consent lookup slower than this is answered 451 4.3.0 (fail closed)
   * @param inspectionMaxBytes body bytes kept for the PHI scan; beyond it the scan is marked truncated
   * @param retiredTokenSecrets earlier token secrets, verify-only, held for {@code tokenLifetime} after a rotation
   * @param extraction how much of a message's attachments the PHI scan reads
   */
  public record Global(
      byte[] tokenSecret,
      Duration tokenLifetime,
      long consentCacheSize,
      Duration consentCacheTtl,
      Duration lookupTimeout,
      int inspectionMaxBytes,
      List<byte[]> retiredTokenSecrets,
      ExtractionLimits extraction) {
    public Global {
      if (tokenSecret.length < 32) {
        throw new IllegalArgumentException("policy.tokenSecret needs at least 32 bytes");
      }
      tokenSecret = tokenSecret.clone();
      retiredTokenSecrets = retiredTokenSecrets.stream().map(byte[]::clone).toList();
      if (consentCacheSize < 1 || inspectionMaxBytes < 1024) {
        throw new IllegalArgumentException("policy.consentCacheSize and policy.inspectionMaxBytes must be positive");
      }
    }

    /** Without retired token secrets (no rotation yet), default extraction limits. */
    public Global(byte[] tokenSecret, Duration tokenLifetime, long consentCacheSize, Duration consentCacheTtl,
        Duration lookupTimeout, int inspectionMaxBytes) {
      this(tokenSecret, tokenLifetime, consentCacheSize, consentCacheTtl, lookupTimeout, inspectionMaxBytes, List.of());
    }

    /** Default extraction limits. */
    public Global(byte[] tokenSecret, Duration tokenLifetime, long consentCacheSize, Duration consentCacheTtl,
        Duration lookupTimeout, int inspectionMaxBytes, List<byte[]> retiredTokenSecrets) {
      this(tokenSecret, tokenLifetime, consentCacheSize, consentCacheTtl, lookupTimeout, inspectionMaxBytes, retiredTokenSecrets,
          ExtractionLimits.defaults());
    }

    @Override
    public List<byte[]> retiredTokenSecrets() {
      return retiredTokenSecrets.stream().map(byte[]::clone).toList();
    }

    public static Global defaults(byte[] tokenSecret) {
      return new Global(tokenSecret, Duration.ofDays(60), 1_000_000, Duration.ofSeconds(60), Duration.ofSeconds(2), 4 << 20);
    }

    @Override
    public byte[] tokenSecret() {
      return tokenSecret.clone();
    }
  }

  /**
   * Bounds on reading a message's parts for the PHI scan, so a large or hostile attachment cannot
   * stall the policy executor: beyond them a part is an unreadable attachment ({@code too-large},
   * {@code budget}), which raises the level only when the tenant sets {@code opaqueAttachmentLevel}.
   *
   * @param maxPartBytes encoded bytes read of one part (an attachment, or a text part); the rest is skipped, not buffered
   * @param timeBudget time for extracting the text of one message's attachments (PDF, Office, RTF)
   */
  public record ExtractionLimits(int maxPartBytes, Duration timeBudget) {
    /** The largest part buffer allowed: the scan keeps one part's bytes in an array. */
    public static final int MAX_PART_BYTES_LIMIT = 256 << 20;

    public ExtractionLimits {
      if (maxPartBytes < 1024 || maxPartBytes > MAX_PART_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxPartBytes must be between 1 KiB and 256 MiB");
      }
      if (timeBudget.isNegative() || timeBudget.isZero()) {
        throw new IllegalArgumentException("timeBudget must be positive");
      }
    }

    /** 8 MiB per part, 5 s per message. */
    public static ExtractionLimits defaults() {
      return new ExtractionLimits(8 << 20, Duration.ofSeconds(5));
    }
  }

  /** Everything policy knows about one tenant. */
  public record TenantPolicy(
      List<PurposeRule> purposeRules,
      boolean purposeHeaderAllowed,
      PhiPolicy phi,
      UnsubscribePolicy unsubscribe,
      Optional<DkimPolicy> dkim) {
    public TenantPolicy {
      purposeRules = List.copyOf(purposeRules);
    }

    public static TenantPolicy defaults() {
      return new TenantPolicy(List.of(), false, PhiPolicy.defaults(), UnsubscribePolicy.none(), Optional.empty());
    }
  }

  /** What a purpose rule matches at MAIL time. */
  public enum MatchOn { CREDENTIAL, SENDER_ADDRESS, SENDER_DOMAIN }

  /** {@code on = value -> purpose}; the first matching rule wins, most specific kinds first (see PurposeResolver). */
  public record PurposeRule(MatchOn on, String value, Purpose purpose) {}

  /** What happens to PHI in the Subject. */
  public enum SubjectAction { REFUSE, REWRITE }

  /**
   * PHI detection settings.
   *
   * @param windowChars an identifier and a health term closer than this make PHI
   * @param identifierAloneIsPhi stricter rule: any validated identifier is PHI
   * @param opaqueAttachmentLevel level required when a non-text attachment is present (empty: no change)
   */
  public record PhiPolicy(
      boolean enabled,
      SubjectAction subjectAction,
      String neutralSubject,
      SecurityLevel bodyLevel,
      int windowChars,
      boolean identifierAloneIsPhi,
      List<TenantPattern> patterns,
      Optional<SecurityLevel> opaqueAttachmentLevel) {
    public PhiPolicy {
      patterns = List.copyOf(patterns);
      if (neutralSubject.isBlank() || neutralSubject.indexOf('\r') >= 0 || neutralSubject.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("phi.neutralSubject must be one non-empty line");
      }
      if (windowChars < 1) {
        throw new IllegalArgumentException("phi.windowChars must be positive");
      }
    }

    public static PhiPolicy defaults() {
      return new PhiPolicy(true, SubjectAction.REFUSE, "A message from your care team", SecurityLevel.VERIFY, 300, false,
          List.of(), Optional.empty());
    }
  }

  /** A tenant-defined identifier (MRN, member id): a name for the audit record and a Java regex. */
  public record TenantPattern(String name, String regex) {
    public TenantPattern {
      if (!name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
        throw new IllegalArgumentException("phi pattern name must be a short lower-case word: " + name);
      }
      java.util.regex.Pattern.compile(regex);
    }
  }

  /** Whether Mailward's List-Unsubscribe replaces the ESP's, or an ESP header present is kept. */
  public enum EspHeader { REPLACE, KEEP }

  /**
   * One-click unsubscribe.
   *
   * @param baseUrl e.g. {@code https://unsubscribe.example.org}; links are {@code BASE/u/TOKEN}. Empty: no headers added
   * @param mailto optional address for a {@code mailto:} alternative
   * @param espForwardUrl where a revocation is forwarded so the ESP's lists stay in sync
   */
  public record UnsubscribePolicy(Optional<URI> baseUrl, Optional<String> mailto, EspHeader espHeader, Optional<URI> espForwardUrl) {
    public UnsubscribePolicy {
      baseUrl.ifPresent(u -> {
        if (!"https".equals(u.getScheme())) {
          throw new IllegalArgumentException("unsubscribe.baseUrl must be https (RFC 8058)");
        }
      });
    }

    public static UnsubscribePolicy none() {
      return new UnsubscribePolicy(Optional.empty(), Optional.empty(), EspHeader.REPLACE, Optional.empty());
    }
  }

  /**
   * DKIM signing for one tenant.
   *
   * @param keyPem a PKCS#8 {@code ENCRYPTED PRIVATE KEY} PEM file (RSA 2048+ or Ed25519)
   * @param keyPassphrase decrypts it (given to relay-app through an environment variable or secret file)
   * @param signAll sign every message; otherwise only when Mailward edited the header
   */
  public record DkimPolicy(String domain, String selector, Path keyPem, String keyPassphrase, boolean signAll) {
    @Override
    public String toString() {
      return "DkimPolicy[" + domain + ", " + selector + ", " + keyPem + "]";
    }
  }
}
