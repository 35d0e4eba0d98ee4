package org.mailward.policy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SessionInfo;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;
import org.mailward.api.Transaction;
import org.mailward.policy.PolicyConfig.EspHeader;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.policy.PolicyConfig.TenantPolicy;
import org.mailward.policy.PolicyConfig.UnsubscribePolicy;

/** Shared test values: a tenant, transactions, a configuration with one-click unsubscribe. */
public final class PolicyFixtures {
  public static final TenantId CLINIC = new TenantId("clinic");
  public static final Instant NOW = Instant.parse("2026-11-01T10:00:00Z");
  public static final byte[] TOKEN_SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  public static final Redactor REDACTOR = new Redactor("redactor-test-key-16+".getBytes(StandardCharsets.US_ASCII));

  private PolicyFixtures() {}

  public static Tenant tenant() {
    return new Tenant(CLINIC, "apikey-clinic", "$pbkdf2-sha256$x", Set.of("clinic.example"), new TenantLimits(100, 10_000_000, 10, 0),
        Purpose.MARKETING, SecurityLevel.ENCRYPT, TlsFallback.DEFER);
  }

  public static Transaction transaction(String sender) {
    return new Transaction(new SessionInfo("s1", "127.0.0.1", "esp.test", tenant(), Optional.of("TLSv1.3"), Optional.empty()),
        MessageId.generate(NOW.toEpochMilli(), new Random(7)), EmailAddress.parse(sender, false), MailParameters.defaults());
  }

  public static Recipient rcpt(String address) {
    return Recipient.of(address(address));
  }

  public static EmailAddress address(String address) {
    return EmailAddress.parse(address, false).orElseThrow();
  }

  public static TenantPolicy tenantPolicy(boolean headerAllowed, PhiPolicy phi, List<PolicyConfig.PurposeRule> rules) {
    return new TenantPolicy(rules, headerAllowed, phi,
        new UnsubscribePolicy(Optional.of(URI.create("https://u.clinic.example")), Optional.empty(), EspHeader.REPLACE,
            Optional.of(URI.create("https://esp.example/unsub"))),
        Optional.empty());
  }

  public static PolicyConfig config(TenantPolicy policy) {
    return config(policy, Duration.ofSeconds(2));
  }

  public static PolicyConfig config(TenantPolicy policy, Duration lookupTimeout) {
    PolicyConfig.Global d = PolicyConfig.Global.defaults(TOKEN_SECRET);
    return new PolicyConfig(new PolicyConfig.Global(TOKEN_SECRET, d.tokenLifetime(), 10_000, Duration.ofMinutes(5), lookupTimeout,
        d.inspectionMaxBytes()), Map.of(CLINIC, policy));
  }
}
