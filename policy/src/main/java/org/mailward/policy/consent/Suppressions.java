package org.mailward.policy.consent;

import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.KeyValueStore;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;

/**
 * Suppressions per tenant, recipient and purpose, with a reason. Called by the delivery side on
 * hard bounces ({@link #hardBounce}), by the unsubscribe service, and by operators. Adding is
 * idempotent: an existing suppression for a purpose is kept as it was. Blocking (store I/O).
 */
public final class Suppressions {
  private final ConsentStore store;

  public Suppressions(ConsentStore store) {
    this.store = store;
  }

  /** Suppresses {@code address} for {@code purposes}; true when anything changed. */
  public boolean add(TenantId tenant, EmailAddress address, Set<Purpose> purposes, SuppressionReason reason, String source) {
    return addByHash(tenant, store.recipientHash(tenant, address), purposes, reason, source);
  }

  /** A hard bounce suppresses every purpose: the mailbox does not exist. */
  public boolean hardBounce(TenantId tenant, EmailAddress address, String source) {
    return add(tenant, address, EnumSet.allOf(Purpose.class), SuppressionReason.HARD_BOUNCE, source);
  }

  /** As {@link #add}, for callers that only hold the keyed hash (unsubscribe tokens). */
  public boolean addByHash(TenantId tenant, byte[] keyedHash, Set<Purpose> purposes, SuppressionReason reason,
      String source) {
    byte[] hash = store.current(tenant, keyedHash); // an unsubscribe link minted before a redactor-key rotation
    synchronized (store.lock(hash)) {
      Suppression current = store.suppression(tenant, hash);
      Map<Purpose, Suppression.Entry> entries = new EnumMap<>(Purpose.class);
      entries.putAll(current.entries());
      Instant now = store.clock().instant();
      boolean changed = false;
      for (Purpose p : purposes) {
        if (!entries.containsKey(p)) {
          entries.put(p, new Suppression.Entry(reason, now, source));
          changed = true;
        }
      }
      if (changed) {
        write(tenant, hash, new Suppression(entries, current.version() + 1, now));
      }
      return changed;
    }
  }

  /** Lifts suppressions (an operator's decision, e.g. the person asked again); true when anything changed. */
  public boolean remove(TenantId tenant, EmailAddress address, Set<Purpose> purposes) {
    byte[] hash = store.recipientHash(tenant, address);
    synchronized (store.lock(hash)) {
      Suppression current = store.suppression(tenant, hash);
      Map<Purpose, Suppression.Entry> entries = new EnumMap<>(Purpose.class);
      entries.putAll(current.entries());
      if (!entries.keySet().removeAll(purposes)) {
        return false;
      }
      write(tenant, hash, new Suppression(entries, current.version() + 1, store.clock().instant()));
      return true;
    }
  }

  /** Every suppression record of {@code tenant} with its recipient's keyed hash, until the visitor returns false. */
  public void forEach(TenantId tenant, java.util.function.BiPredicate<byte[], Suppression> visitor) {
    store.scan(ConsentStore.SUPPRESSIONS, tenant, (hash, v) -> visitor.test(hash, RecordCodec.decodeSuppression(v)));
  }

  public Suppression find(TenantId tenant, EmailAddress address) {
    return store.suppression(tenant, store.recipientHash(tenant, address));
  }

  private void write(TenantId tenant, byte[] hash, Suppression s) {
    KeyValueStore.Batch.Builder batch = KeyValueStore.Batch.builder();
    store.put(batch, tenant, hash, s);
    store.commit(batch, tenant, List.of(hash));
  }
}
