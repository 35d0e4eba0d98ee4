package org.mailward.policy.consent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.KeyValueStore;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;

/**
 * Authorizations per tenant and recipient: grant, revoke, look up. Writes are durable on return
 * and versioned; the consent cache is told at once. Blocking (store I/O): not for an event loop.
 */
public final class ConsentRegistry {
  private final ConsentStore store;

  public ConsentRegistry(ConsentStore store) {
    this.store = store;
  }

  /** What a grant says; the registry adds version and update time. */
  public record Grant(Set<Purpose> purposes, Instant grantedAt, Optional<Instant> expiresAt, String evidence, String source) {}

  public Authorization grant(TenantId tenant, EmailAddress address, Grant grant) {
    byte[] hash = store.recipientHash(tenant, address);
    synchronized (store.lock(hash)) {
      long version = store.authorization(tenant, hash).map(Authorization::version).orElse(0L) + 1;
      Authorization a = toAuthorization(grant, version, store.clock().instant());
      KeyValueStore.Batch.Builder batch = KeyValueStore.Batch.builder();
      store.put(batch, tenant, hash, a);
      store.commit(batch, tenant, List.of(hash));
      return a;
    }
  }

  static Authorization toAuthorization(Grant g, long version, Instant now) {
    return new Authorization(g.purposes(), g.grantedAt(), g.expiresAt(), Optional.empty(), g.evidence(), g.source(), version, now);
  }

  /** Revokes at once; empty when there was nothing to revoke. Revoking twice keeps the first time. */
  public Optional<Authorization> revoke(TenantId tenant, EmailAddress address, String source) {
    return revokeByHash(tenant, store.recipientHash(tenant, address), source);
  }

  /** As {@link #revoke}, for callers that only hold the keyed hash (unsubscribe tokens). */
  public Optional<Authorization> revokeByHash(TenantId tenant, byte[] keyedHash, String source) {
    byte[] hash = store.current(tenant, keyedHash); // an unsubscribe link minted before a redactor-key rotation
    synchronized (store.lock(hash)) {
      Optional<Authorization> current = store.authorization(tenant, hash);
      if (current.isEmpty() || current.get().revokedAt().isPresent()) {
        return current;
      }
      Instant now = store.clock().instant();
      Authorization revoked = current.get().revoked(now, source, current.get().version() + 1, now);
      KeyValueStore.Batch.Builder batch = KeyValueStore.Batch.builder();
      store.put(batch, tenant, hash, revoked);
      store.commit(batch, tenant, List.of(hash));
      return Optional.of(revoked);
    }
  }

  /** Every authorization of {@code tenant} with its recipient's keyed hash, until the visitor returns false (exports). */
  public void forEach(TenantId tenant, java.util.function.BiPredicate<byte[], Authorization> visitor) {
    store.scan(ConsentStore.AUTHORIZATIONS, tenant, (hash, v) -> visitor.test(hash, store.decodeAuthorization(tenant, hash, v)));
  }

  public Optional<Authorization> find(TenantId tenant, EmailAddress address) {
    return store.authorization(tenant, store.recipientHash(tenant, address));
  }
}
