package org.mailward.policy.consent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailward.api.EmailAddress;
import org.mailward.api.KeyValueStore;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;

/**
 * Moves the consent registry's records (authorizations and suppressions) from keyed hashes under
 * an old redactor key to hashes under a new one: the offline half of {@code mailward keys
 * rotate-redactor} (docs/operations.md, "Rotating the redactor key"). A hash cannot be turned into
 * another without the address, so the caller supplies the addresses it knows (the sealed
 * control-plane log, an operator's list); a record whose address nobody supplies stays under its
 * old hash and is reported by {@link #unmapped}.
 *
 * <p>Crash-safe and repeatable: each move is one atomic batch — the records under the new hash,
 * the old ones deleted, a marker that the new hash is re-keyed ({@value #TARGETS}) and an alias
 * from the old hash to the new one ({@value #ALIASES}, for unsubscribe links minted before that
 * carry the old hash: {@link ConsentStore#current}). Run again after a crash, a moved record is
 * found under its new hash only and is skipped. The evidence of a moved authorization is re-sealed
 * under the new key's {@link EvidenceSeal} (its AAD is the record's new store key), and
 * {@link #resealEvidence} re-seals what stays (unmapped records, change events) before the switch.
 * Must run with the relay stopped (nothing else may
 * write the store meanwhile). Does not: touch the audit journal (its tokens stay under the key that
 * made them) or choose the key (relay-app keeps the key files).
 */
public final class RedactorRekeying {
  /** Markers of hashes written under the new key during the current rotation (cleared by {@link #finish}). */
  public static final String TARGETS = "consent.rekey.targets";
  /** Old hash to new hash, kept so links minted under an older key still unsubscribe. */
  public static final String ALIASES = ConsentStore.ALIASES;
  private static final int BATCH = 256;
  private static final List<String> RECORDS = List.of(ConsentStore.AUTHORIZATIONS, ConsentStore.SUPPRESSIONS);

  /** What a pass did: moved now, found already moved, and aliases re-pointed from an earlier rotation. */
  public record Report(long moved, long alreadyMoved, long aliasesRepointed) {}

  private final KeyValueStore kv;
  private final Redactor oldKey;
  private final Redactor newKey;
  private final EvidenceSeal oldSeal;
  private final EvidenceSeal newSeal;

  public RedactorRekeying(KeyValueStore kv, Redactor oldKey, Redactor newKey) {
    this.kv = kv;
    this.oldKey = oldKey;
    this.newKey = newKey;
    this.oldSeal = new EvidenceSeal(oldKey);
    this.newSeal = new EvidenceSeal(newKey);
  }

  /** Every tenant that has a record in the registry. */
  public Set<TenantId> tenants() {
    Set<TenantId> out = new TreeSet<>(java.util.Comparator.comparing(TenantId::value));
    for (String ns : RECORDS) {
      kv.scan(ns, new byte[0], null, (k, v) -> {
        out.add(tenantOf(k));
        return true;
      });
    }
    return out;
  }

  /** Moves the records of {@code addresses} in {@code tenant} to their new hashes. */
  public Report rekey(TenantId tenant, Collection<EmailAddress> addresses) {
    long moved = 0;
    long already = 0;
    long repointed = 0;
    KeyValueStore.Batch.Builder batch = KeyValueStore.Batch.builder();
    int ops = 0;
    for (EmailAddress a : new java.util.LinkedHashSet<>(addresses)) {
      String id = tenant.value() + "\n" + a.normalized();
      byte[] oldKeyBytes = ConsentStore.key(tenant, oldKey.hash(id));
      byte[] newKeyBytes = ConsentStore.key(tenant, newKey.hash(id));
      boolean any = false;
      for (String ns : RECORDS) {
        var record = kv.get(ns, oldKeyBytes);
        if (record.isPresent()) {
          byte[] rewritten = ns.equals(ConsentStore.AUTHORIZATIONS) ? RecordCodec.encode(
              RecordCodec.decodeAuthorization(record.get(), oldKeyBytes, oldSeal, newSeal), newSeal, newKeyBytes) : record.get();
          batch.put(ns, newKeyBytes, rewritten).delete(ns, oldKeyBytes);
          any = true;
        }
      }
      if (any) {
        batch.put(TARGETS, newKeyBytes, new byte[0]).put(ALIASES, oldKeyBytes, newKeyBytes);
        moved++;
        ops++;
      } else if (kv.get(TARGETS, newKeyBytes).isPresent()) {
        already++;
      }
      if (ops >= BATCH) {
        kv.write(batch.build());
        batch = KeyValueStore.Batch.builder();
        ops = 0;
      }
    }
    kv.write(batch.build());
    // links minted under a key before the old one point (through an alias) at an old hash: point them at the new one
    List<byte[][]> stale = new ArrayList<>();
    kv.scan(ALIASES, prefix(tenant, 0), prefix(tenant, 1), (k, v) -> {
      kv.get(ALIASES, v).ifPresent(next -> stale.add(new byte[][] {k, next}));
      return true;
    });
    for (byte[][] s : stale) {
      kv.write(KeyValueStore.Batch.builder().put(ALIASES, s[0], s[1]).build());
      repointed++;
    }
    return new Report(moved, already, repointed);
  }

  /**
   * Re-seals, under the new key, the evidence of every authorization and change event still sealed
   * under the old one (or in clear): the records no address moved, and the change history. Call after
   * the last {@link #rekey} and before the new key becomes the node's key; repeatable. Returns how many
   * records changed.
   */
  public long resealEvidence() {
    return ConsentStore.reseal(kv, newSeal, oldSeal, newSeal);
  }

  /** Per tenant, the records still under a hash of the old key (no address was supplied for them). */
  public Map<String, Long> unmapped() {
    Map<String, Long> out = new TreeMap<>();
    for (String ns : RECORDS) {
      kv.scan(ns, new byte[0], null, (k, v) -> {
        if (kv.get(TARGETS, k).isEmpty()) {
          out.merge(tenantOf(k).value() + " " + ns, 1L, Long::sum);
        }
        return true;
      });
    }
    return out;
  }

  /** Ends a rotation: the markers go (the aliases stay). Call only once the new key is the node's key. */
  public void finish() {
    List<byte[]> keys = new ArrayList<>();
    kv.scan(TARGETS, new byte[0], null, (k, v) -> {
      keys.add(k);
      return true;
    });
    for (int i = 0; i < keys.size(); i += BATCH) {
      KeyValueStore.Batch.Builder b = KeyValueStore.Batch.builder();
      keys.subList(i, Math.min(keys.size(), i + BATCH)).forEach(k -> b.delete(TARGETS, k));
      kv.write(b.build());
    }
  }

  private static TenantId tenantOf(byte[] key) {
    int zero = 0;
    while (zero < key.length && key[zero] != 0) {
      zero++;
    }
    return new TenantId(new String(Arrays.copyOf(key, zero), StandardCharsets.US_ASCII));
  }

  private static byte[] prefix(TenantId tenant, int separator) {
    byte[] t = tenant.value().getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(t.length + 1).put(t).put((byte) separator).array();
  }
}
