package org.mailward.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Namespaced, ordered byte keys with atomic batches: what the policy module builds
 * its registries on (consent, suppression, tokens). Reads may be served from
 * memory-mapped or cached data; implementations document their cost.
 */
public interface KeyValueStore {
  /**
   * Marks of namespaces whose overwritten values must leave the store's files (a migration that
   * re-wrote plaintext records sealed puts {@code namespace name (UTF-8) -> empty} in the same batch
   * as its re-writes). Whoever owns the store's files purges those namespaces and then deletes the
   * marks (relay-app, at start), so a crash between the re-write and the purge only delays it.
   */
  String PURGE_PENDING = "kv.purge-pending";

  Optional<byte[]> get(String namespace, byte[] key);

  /** Applies every operation of the batch atomically, durable on return. */
  void write(Batch batch);

  /**
   * Visits keys in {@code [fromInclusive, toExclusive)} in order until the visitor
   * returns false. {@code toExclusive} may be null for "to the end of the namespace".
   */
  void scan(String namespace, byte[] fromInclusive, byte[] toExclusive, Visitor visitor);

  @FunctionalInterface
  interface Visitor {
    boolean visit(byte[] key, byte[] value);
  }

  /** An atomic group of puts and deletes. */
  record Batch(List<Op> ops) {
    public Batch {
      ops = List.copyOf(ops);
    }

    public static Builder builder() {
      return new Builder();
    }

    public static final class Builder {
      private final List<Op> ops = new ArrayList<>();

      public Builder put(String namespace, byte[] key, byte[] value) {
        ops.add(new Op.Put(namespace, key, value));
        return this;
      }

      public Builder delete(String namespace, byte[] key) {
        ops.add(new Op.Delete(namespace, key));
        return this;
      }

      public int size() {
        return ops.size();
      }

      public Batch build() {
        return new Batch(ops);
      }
    }
  }

  sealed interface Op {
    record Put(String namespace, byte[] key, byte[] value) implements Op {}

    record Delete(String namespace, byte[] key) implements Op {}
  }
}
