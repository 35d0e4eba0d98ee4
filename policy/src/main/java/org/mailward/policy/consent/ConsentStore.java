package org.mailward.policy.consent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailward.api.EmailAddress;
import org.mailward.api.KeyValueStore;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;

/**
 * The registry's layout on the {@link KeyValueStore}. Keys are {@code tenant id, 0x00, keyed hash}
 * where the hash is the {@link Redactor}'s HMAC of {@code tenant + "\n" + normalized address}: the
 * store holds no address, and a hash from one tenant means nothing for another. Every write also
 * appends a versioned change event (namespace {@value #CHANGES}) in the same atomic batch, which is
 * what a multi-node replicator would ship. Listeners hear of every change (cache invalidation).
 *
 * <p>An authorization's evidence is sealed at rest ({@link EvidenceSeal}, a key derived from the
 * redactor key), in its record and in the change event that carries the record; records written in
 * clear by earlier releases are re-sealed by {@link #sealEvidence}, which relay-app runs at start.
 */
public final class ConsentStore {
  public static final String AUTHORIZATIONS = "consent.authorization";
  public static final String SUPPRESSIONS = "consent.suppression";
  public static final String CHANGES = "consent.changes";
  public static final String IMPORTS = "consent.imports";
  /** Old keyed hash to the current one, written by a redactor-key rotation ({@link RedactorRekeying}). */
  public static final String ALIASES = "consent.rekey.aliases";
  private static final int STRIPES = 64;

  /** Told after a recipient's records changed. */
  @FunctionalInterface
  public interface ChangeListener {
    void changed(TenantId tenant, byte[] recipientHash);
  }

  private final KeyValueStore kv;
  private final Redactor redactor;
  private final EvidenceSeal seal;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Object[] locks = new Object[STRIPES];
  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

  public ConsentStore(KeyValueStore kv, Redactor redactor, Clock clock) {
    this.kv = kv;
    this.redactor = redactor;
    this.seal = new EvidenceSeal(redactor);
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  public void addListener(ChangeListener listener) {
    listeners.add(listener);
  }

  Clock clock() {
    return clock;
  }

  KeyValueStore kv() {
    return kv;
  }

  /** The keyed, tenant-scoped hash of a normalised address (32 bytes). */
  public byte[] recipientHash(TenantId tenant, EmailAddress address) {
    return redactor.hash(tenant.value() + "\n" + address.normalized());
  }

  /**
   * The hash a record of {@code hash} lives under now: itself, or where a redactor-key rotation moved
   * it (an unsubscribe link minted before the rotation carries the old hash). One store read.
   */
  public byte[] current(TenantId tenant, byte[] hash) {
    return kv.get(ALIASES, key(tenant, hash)).map(k -> java.util.Arrays.copyOfRange(k, k.length - hash.length, k.length))
        .orElse(hash);
  }

  static byte[] key(TenantId tenant, byte[] hash) {
    byte[] t = tenant.value().getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(t.length + 1 + hash.length).put(t).put((byte) 0).put(hash).array();
  }

  public RecipientState load(TenantId tenant, byte[] hash) {
    byte[] key = key(tenant, hash);
    Optional<Authorization> a = kv.get(AUTHORIZATIONS, key).map(v -> RecordCodec.decodeAuthorization(v, key, seal));
    Suppression s = kv.get(SUPPRESSIONS, key).map(RecordCodec::decodeSuppression).orElse(Suppression.none());
    return new RecipientState(a, s);
  }

  Optional<Authorization> authorization(TenantId tenant, byte[] hash) {
    byte[] key = key(tenant, hash);
    return kv.get(AUTHORIZATIONS, key).map(v -> RecordCodec.decodeAuthorization(v, key, seal));
  }

  /** An authorization record of {@code tenant} read by {@link #scan}, evidence opened. */
  Authorization decodeAuthorization(TenantId tenant, byte[] hash, byte[] record) {
    return RecordCodec.decodeAuthorization(record, key(tenant, hash), seal);
  }

  Suppression suppression(TenantId tenant, byte[] hash) {
    return kv.get(SUPPRESSIONS, key(tenant, hash)).map(RecordCodec::decodeSuppression).orElse(Suppression.none());
  }

  void put(KeyValueStore.Batch.Builder batch, TenantId tenant, byte[] hash, Authorization a) {
    byte[] key = key(tenant, hash);
    byte[] record = RecordCodec.encode(a, seal, key);
    batch.put(AUTHORIZATIONS, key, record);
    batch.put(CHANGES, changeKey(), RecordCodec.change("authorization", tenant.value(), hash, a.version(), record));
  }

  void put(KeyValueStore.Batch.Builder batch, TenantId tenant, byte[] hash, Suppression s) {
    byte[] record = RecordCodec.encode(s);
    batch.put(SUPPRESSIONS, key(tenant, hash), record);
    batch.put(CHANGES, changeKey(), RecordCodec.change("suppression", tenant.value(), hash, s.version(), record));
  }

  /** Writes the batch durably, then tells the listeners about every recipient in it. */
  void commit(KeyValueStore.Batch.Builder batch, TenantId tenant, List<byte[]> hashes) {
    kv.write(batch.build());
    for (byte[] h : hashes) {
      for (ChangeListener l : listeners) {
        l.changed(tenant, h);
      }
    }
  }

  /**
   * Visits one tenant's records of {@code namespace} ({@link #AUTHORIZATIONS} or {@link #SUPPRESSIONS}) in key
   * order, with the recipient hash as the key, until the visitor returns false. Store I/O: for exports.
   */
  void scan(String namespace, TenantId tenant, KeyValueStore.Visitor visitor) {
    byte[] t = tenant.value().getBytes(StandardCharsets.US_ASCII);
    byte[] from = ByteBuffer.allocate(t.length + 1).put(t).put((byte) 0).array();
    byte[] to = ByteBuffer.allocate(t.length + 1).put(t).put((byte) 1).array();
    kv.scan(namespace, from, to, (k, v) -> visitor.visit(java.util.Arrays.copyOfRange(k, t.length + 1, k.length), v));
  }

  /**
   * Re-writes every authorization whose evidence is in clear (format 1, earlier releases) with it
   * sealed, in its record and in the change events that carry it; returns how many records changed.
   * Crash-safe and repeatable: each batch is atomic and durable, and a rerun skips what is sealed.
   * Run it before the store serves (relay-app does, at start): it does not lock against writers.
   * The old values stay in the store's files until they are purged: each batch marks its namespace
   * in {@link KeyValueStore#PURGE_PENDING}, which relay-app purges next.
   */
  public long sealEvidence() {
    return reseal(kv, seal, seal);
  }

  private static final int RESEAL_BATCH = 256;

  /**
   * Re-seals the evidence of every authorization record and change event not sealed by {@code to}:
   * opened with one of {@code from} (or read in clear), sealed by {@code to}. Batches of {@value #RESEAL_BATCH}.
   */
  static long reseal(KeyValueStore kv, EvidenceSeal to, EvidenceSeal... from) {
    long changed = 0;
    for (String ns : List.of(AUTHORIZATIONS, CHANGES)) {
      byte[] cursor = new byte[0];
      while (cursor != null) {
        KeyValueStore.Batch.Builder batch = KeyValueStore.Batch.builder();
        byte[][] last = {null};
        int[] seen = {0};
        kv.scan(ns, cursor, null, (k, v) -> {
          last[0] = k;
          seen[0]++;
          byte[] updated = ns.equals(AUTHORIZATIONS) ? resealRecord(k, v, to, from) : resealChange(v, to, from);
          if (updated != null) {
            batch.put(ns, k, updated);
          }
          return seen[0] < RESEAL_BATCH;
        });
        if (batch.size() > 0) {
          changed += batch.size();
          kv.write(batch.put(KeyValueStore.PURGE_PENDING, ns.getBytes(StandardCharsets.UTF_8), new byte[0]).build());
        }
        cursor = seen[0] < RESEAL_BATCH ? null : successor(last[0]);
      }
    }
    return changed;
  }

  private static byte[] resealRecord(byte[] storeKey, byte[] record, EvidenceSeal to, EvidenceSeal... from) {
    if (RecordCodec.sealedBy(record, to)) {
      return null;
    }
    return RecordCodec.encode(RecordCodec.decodeAuthorization(record, storeKey, from), to, storeKey);
  }

  private static byte[] resealChange(byte[] event, EvidenceSeal to, EvidenceSeal... from) {
    RecordCodec.Change c = RecordCodec.change(event, 32);
    if (!c.type().equals("authorization")) {
      return null;
    }
    byte[] updated = resealRecord(key(new TenantId(c.tenant()), c.hash()), c.record(), to, from);
    return updated == null ? null : RecordCodec.change(c.type(), c.tenant(), c.hash(), c.version(), updated);
  }

  private static byte[] successor(byte[] key) {
    return java.util.Arrays.copyOf(key, key.length + 1);
  }

  /** Serialises read-modify-write of one recipient's records on this node. */
  Object lock(byte[] hash) {
    return locks[(hash[0] & 0xFF) % STRIPES];
  }

  private byte[] changeKey() {
    byte[] suffix = new byte[8];
    random.nextBytes(suffix);
    return ByteBuffer.allocate(16).putLong(clock.millis()).put(suffix).array();
  }
}
