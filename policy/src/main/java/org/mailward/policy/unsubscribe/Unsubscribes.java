package org.mailward.policy.unsubscribe;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;
import org.mailward.policy.PolicyConfig;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.policy.consent.SuppressionReason;
import org.mailward.policy.consent.Suppressions;

/**
 * The revocation service behind the one-click endpoint (RFC 8058 POST): verifies the token, then
 * suppresses the recipient for the token's purpose (and revokes a marketing authorization), at
 * once and idempotently. The web endpoint itself (GET shows a confirmation page and changes
 * nothing; POST calls {@link #revoke}) belongs to the portal's web server. Blocking (store I/O).
 */
public final class Unsubscribes {
  /** The outcome of one revocation request. */
  public sealed interface Result {
    /**
     * @param alreadySuppressed a repeat (link clicked twice): nothing changed
     * @param forwardTo the ESP's unsubscribe URL to call so its lists stay in sync, if configured
     */
    record Revoked(TenantId tenant, Purpose purpose, boolean alreadySuppressed, Optional<URI> forwardTo) implements Result {}

    /** @param reason {@code expired}, {@code invalid: ...}; shown to the person as a generic error */
    record Rejected(String reason) implements Result {}
  }

  private final UnsubscribeTokens tokens;
  private final Suppressions suppressions;
  private final ConsentRegistry registry;
  private final PolicyConfig config;

  public Unsubscribes(UnsubscribeTokens tokens, Suppressions suppressions, ConsentRegistry registry, PolicyConfig config) {
    this.tokens = tokens;
    this.suppressions = suppressions;
    this.registry = registry;
    this.config = config;
  }

  public Result revoke(String token) {
    UnsubscribeTokens.Check check = tokens.verify(token);
    if (check instanceof UnsubscribeTokens.Check.Invalid invalid) {
      return new Result.Rejected("invalid: " + invalid.reason());
    }
    if (check instanceof UnsubscribeTokens.Check.Expired) {
      return new Result.Rejected("expired");
    }
    UnsubscribeTokens.Claims c = ((UnsubscribeTokens.Check.Valid) check).claims();
    boolean changed = suppressions.addByHash(c.tenant(), c.recipientHash(), Set.of(c.purpose()), SuppressionReason.UNSUBSCRIBE,
        "one-click");
    if (c.purpose() == Purpose.MARKETING) {
      registry.revokeByHash(c.tenant(), c.recipientHash(), "one-click");
    }
    return new Result.Revoked(c.tenant(), c.purpose(), !changed, config.tenant(c.tenant()).unsubscribe().espForwardUrl());
  }
}
