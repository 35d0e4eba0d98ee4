package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One change to the relay's control-plane state (tenants, SMTP credentials, consent,
 * suppressions, DKIM keys, destination TLS policy): what the admin API writes to the {@link
 * ControlPlaneLog} and every node applies to its local stores, in log order. A record holds only
 * what every node needs to apply it the same way: no path, host name, node id or local sequence
 * number. Secrets appear only as hashes (a credential's PHC hash) and never as keys (a DKIM record
 * carries the public key only); recipient addresses appear because each node keys them under its
 * own keyed hash — in memory only: the stored form (admin-api's {@code ChangeCodec}) seals them,
 * with import files and consent evidence, under a master-keyring-wrapped data key.
 */
public sealed interface ChangeRecord {
  /** The tenant the change belongs to; empty for node-wide state such as a destination's TLS policy. */
  Optional<TenantId> owner();

  /** A change to one tenant's state (tenant-scoped tokens see only their tenant's records). */
  sealed interface TenantChange extends ChangeRecord {
    TenantId tenant();

    @Override
    default Optional<TenantId> owner() {
      return Optional.of(tenant());
    }
  }

  /** Creates a tenant or replaces its settings; credentials and the disabled flag are kept. */
  record TenantSaved(TenantId tenant, Set<String> senderDomains, TenantLimits limits, Purpose defaultPurpose,
      SecurityLevel defaultLevel, TlsFallback fallback) implements TenantChange {
    public TenantSaved {
      senderDomains = Set.copyOf(senderDomains);
    }
  }

  /** A disabled tenant authenticates no more; its data stays. */
  record TenantEnabled(TenantId tenant, boolean enabled) implements TenantChange {}

  /** A new SMTP credential; several may be live at once so an ESP can rotate without downtime. */
  record CredentialIssued(TenantId tenant, String credentialId, String username, String passwordHash, Instant issuedAt)
      implements TenantChange {}

  record CredentialRevoked(TenantId tenant, String credentialId) implements TenantChange {}

  record ConsentGranted(TenantId tenant, EmailAddress address, Set<Purpose> purposes, Instant grantedAt,
      Optional<Instant> expiresAt, String evidence) implements TenantChange {
    public ConsentGranted {
      purposes = Set.copyOf(purposes);
    }
  }

  record ConsentRevoked(TenantId tenant, EmailAddress address) implements TenantChange {}

  /** @param reason a suppression reason label: unsubscribe, complaint, hard-bounce or manual */
  record SuppressionAdded(TenantId tenant, EmailAddress address, Set<Purpose> purposes, String reason)
      implements TenantChange {
    public SuppressionAdded {
      purposes = Set.copyOf(purposes);
    }
  }

  record SuppressionRemoved(TenantId tenant, EmailAddress address, Set<Purpose> purposes) implements TenantChange {
    public SuppressionRemoved {
      purposes = Set.copyOf(purposes);
    }
  }

  /**
   * A bulk consent import, all or nothing: the file as uploaded travels in the record, so every
   * node validates and applies the same rows and reaches the same verdict.
   *
   * @param format {@code csv} or {@code ndjson}
   */
  record ConsentImport(TenantId tenant, String importId, String format, byte[] content) implements TenantChange {
    public ConsentImport {
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ConsentImport c && c.tenant.equals(tenant) && c.importId.equals(importId) && c.format.equals(format)
          && java.util.Arrays.equals(c.content, content);
    }

    @Override
    public int hashCode() {
      return importId.hashCode();
    }

    @Override
    public String toString() {
      return "ConsentImport[" + tenant + ", " + importId + ", " + content.length + " bytes]";
    }
  }

  /**
   * A DKIM key made for a tenant's signing domain: from now on the tenant's mail is signed with it
   * ({@code d=domain}, {@code s=selector}). The private key never travels: it is written, encrypted,
   * under the keys directory of the node that made it and found there by tenant, domain and
   * selector (another node needs a copy of that file before it applies this record).
   *
   * @param keyType {@code ed25519} or {@code rsa} (the DNS record's {@code k=})
   * @param publicKey base64 of the public key, as published in {@code p=}
   */
  record DkimKeyAdded(TenantId tenant, String domain, String selector, String keyType, String publicKey, Instant createdAt)
      implements TenantChange {}

  /** Sets a destination domain's TLS policy (replacing an earlier one). Node-wide: no tenant. */
  record DestinationTlsPolicySet(DestinationTlsPolicy policy) implements ChangeRecord {
    @Override
    public Optional<TenantId> owner() {
      return Optional.empty();
    }
  }

  /** Removes a destination domain's TLS policy: its own MTA-STS/DANE and the message's level decide again. */
  record DestinationTlsPolicyCleared(String domain) implements ChangeRecord {
    @Override
    public Optional<TenantId> owner() {
      return Optional.empty();
    }
  }

  /** Every record type, for codecs and documentation. */
  List<Class<? extends ChangeRecord>> TYPES = List.of(TenantSaved.class, TenantEnabled.class, CredentialIssued.class,
      CredentialRevoked.class, ConsentGranted.class, ConsentRevoked.class, SuppressionAdded.class, SuppressionRemoved.class,
      ConsentImport.class, DkimKeyAdded.class, DestinationTlsPolicySet.class, DestinationTlsPolicyCleared.class);
}
