package org.mailward.api;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's door to the consent registry and suppression list of one node: what the admin
 * API reads, and what the control-plane applier calls for consent and suppression records.
 * Implemented by relay-app over policy's services (which key every address under a keyed hash and
 * tell the RCPT-time cache at once). Blocking (store I/O): never call it on an event loop.
 */
public interface ConsentControl {

  /** What the node knows about one recipient of one tenant. */
  ConsentView lookup(TenantId tenant, EmailAddress address);

  void grant(TenantId tenant, EmailAddress address, Set<Purpose> purposes, Instant grantedAt, Optional<Instant> expiresAt,
      String evidence, String source);

  /** Revokes at once; false when there was no authorization to revoke. */
  boolean revoke(TenantId tenant, EmailAddress address, String source);

  /** @param reason unsubscribe, complaint, hard-bounce or manual */
  boolean suppress(TenantId tenant, EmailAddress address, Set<Purpose> purposes, String reason, String source);

  boolean unsuppress(TenantId tenant, EmailAddress address, Set<Purpose> purposes);

  /**
   * Every authorization of a tenant until the visitor returns false. The store holds no address:
   * each recipient is named by its token (the first 8 bytes, in hex, of its keyed hash), which is
   * also what {@link #lookup} reports, so an operator can match a look-up against an export.
   */
  void exportConsent(TenantId tenant, Visitor<AuthorizationView> visitor);

  /** Every suppressed recipient of a tenant, by token, until the visitor returns false. */
  void exportSuppressions(TenantId tenant, Visitor<Map<Purpose, SuppressionView>> visitor);

  @FunctionalInterface
  interface Visitor<T> {
    boolean visit(String recipientToken, T value);
  }

  /** Imports a CSV or NDJSON file all or nothing (policy's importer); reports bad rows by line. */
  ImportResult importFile(TenantId tenant, Path file, String format, Progress progress) throws IOException;

  /** Suppression reasons the registry knows, as labels. */
  Set<String> SUPPRESSION_REASONS = Set.of("unsubscribe", "complaint", "hard-bounce", "manual");

  @FunctionalInterface
  interface Progress {
    /** @param phase validate or write */
    void update(String phase, long rows);
  }

  /** @param recipientToken the recipient's token (see {@link #exportConsent}) */
  record ConsentView(String recipientToken, Optional<AuthorizationView> authorization, Map<Purpose, SuppressionView> suppressions) {
    public ConsentView {
      suppressions = Map.copyOf(suppressions);
    }
  }

  /**
   * @param state valid, not_yet_valid, expired or revoked
   * @param evidence the reference the grant gave (sealed at rest, opened for this view)
   */
  record AuthorizationView(Set<Purpose> purposes, Instant grantedAt, Optional<Instant> expiresAt,
      Optional<Instant> revokedAt, String state, long version, String evidence) {
    public AuthorizationView {
      purposes = Set.copyOf(purposes);
    }
  }

  record SuppressionView(String reason, Instant at) {}

  record ImportResult(boolean imported, long rows, long written, long keptRevoked, long errorCount, List<RowError> errors) {
    public ImportResult {
      errors = List.copyOf(errors);
    }
  }

  record RowError(long line, String reason) {}
}
