package org.mailward.app;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.ConsentControl;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;
import org.mailward.policy.ConsentPolicyEngine;
import org.mailward.policy.consent.Authorization;
import org.mailward.policy.consent.ConsentImporter;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.policy.consent.Suppression;
import org.mailward.policy.consent.SuppressionReason;

/**
 * The {@link ConsentControl} port on policy's services: the registry, the suppression list and the
 * importer the RCPT-time cache listens to, so a change through the admin API counts on the very
 * next RCPT. A translation only; every rule (revocations kept, idempotent suppressions, all or
 * nothing imports) is policy's.
 */
final class PolicyConsentControl implements ConsentControl {
  private final ConsentPolicyEngine policy;
  private final Clock clock;

  PolicyConsentControl(ConsentPolicyEngine policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public ConsentView lookup(TenantId tenant, EmailAddress address) {
    Instant now = clock.instant();
    Optional<AuthorizationView> a = policy.registry().find(tenant, address).map(x -> view(x, now));
    Map<Purpose, SuppressionView> sup = views(policy.suppressions().find(tenant, address));
    return new ConsentView(token(policy.recipientHash(tenant, address)), a, sup);
  }

  @Override
  public void exportConsent(TenantId tenant, Visitor<AuthorizationView> visitor) {
    Instant now = clock.instant();
    policy.registry().forEach(tenant, (hash, x) -> visitor.visit(token(hash), view(x, now)));
  }

  @Override
  public void exportSuppressions(TenantId tenant, Visitor<Map<Purpose, SuppressionView>> visitor) {
    policy.suppressions().forEach(tenant, (hash, s) -> s.entries().isEmpty() || visitor.visit(token(hash), views(s)));
  }

  private static AuthorizationView view(Authorization x, Instant now) {
    return new AuthorizationView(x.purposes(), x.grantedAt(), x.expiresAt(), x.revokedAt(),
        x.state(now).name().toLowerCase(Locale.ROOT), x.version(), x.evidence());
  }

  private static Map<Purpose, SuppressionView> views(Suppression s) {
    Map<Purpose, SuppressionView> sup = new EnumMap<>(Purpose.class);
    s.entries().forEach((p, e) -> sup.put(p, new SuppressionView(e.reason().label(), e.at())));
    return sup;
  }

  /** The recipient's token: the first 8 bytes of its keyed hash, in hex (as the audit's tokens). */
  private static String token(byte[] hash) {
    return java.util.HexFormat.of().formatHex(hash, 0, 8);
  }

  @Override
  public void grant(TenantId tenant, EmailAddress address, Set<Purpose> purposes, Instant grantedAt,
      Optional<Instant> expiresAt, String evidence, String source) {
    policy.registry().grant(tenant, address, new ConsentRegistry.Grant(purposes, grantedAt, expiresAt, evidence, source));
  }

  @Override
  public boolean revoke(TenantId tenant, EmailAddress address, String source) {
    return policy.registry().revoke(tenant, address, source).isPresent();
  }

  @Override
  public boolean suppress(TenantId tenant, EmailAddress address, Set<Purpose> purposes, String reason, String source) {
    return policy.suppressions().add(tenant, address, purposes, SuppressionReason.fromLabel(reason), source);
  }

  @Override
  public boolean unsuppress(TenantId tenant, EmailAddress address, Set<Purpose> purposes) {
    return policy.suppressions().remove(tenant, address, purposes);
  }

  @Override
  public ImportResult importFile(TenantId tenant, Path file, String format, Progress progress) throws IOException {
    ConsentImporter.ImportReport r = policy.importer().importFile(tenant, file,
        ConsentImporter.Format.valueOf(format.toUpperCase(Locale.ROOT)),
        (phase, rows) -> progress.update(phase.name().toLowerCase(Locale.ROOT), rows));
    return new ImportResult(r.imported(), r.rows(), r.written(), r.keptRevoked(), r.errorCount(),
        r.errors().stream().map(e -> new RowError(e.line(), e.reason())).toList());
  }
}
