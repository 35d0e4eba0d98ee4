// The one test double of the KeyValueStore port: a real store (the queue module's
// RocksKeyValueStore in the tests that use it) behind a switch that makes every call
// fail, or every read answer late, so a test can show what a caller does when its
// store breaks. Tests keep the real store for everything else; there is no in-memory
// KeyValueStore, because RocksDB runs here.
// Does not: fail one call in particular, or corrupt data.
package org.mailward.testkit;

import java.time.Duration;
import java.util.Optional;
import org.mailward.api.KeyValueStore;

public final class FaultyKeyValueStore implements KeyValueStore {
  /** What every call does. */
  public enum Fault {
    /** passes the call on */
    NONE,
    /** throws, as a store on a failed disk does */
    FAIL,
    /** reads wait {@code delay}, then answer "absent"; writes and scans pass on */
    SLOW
  }

  private final KeyValueStore store;
  private final Duration delay;
  private volatile Fault fault;

  public FaultyKeyValueStore(KeyValueStore store, Fault fault, Duration delay) {
    this.store = store;
    this.fault = fault;
    this.delay = delay;
  }

  public void inject(Fault fault) {
    this.fault = fault;
  }

  @Override
  public Optional<byte[]> get(String namespace, byte[] key) {
    Fault f = fault;
    if (f == Fault.SLOW) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    }
    failIf(f);
    return store.get(namespace, key);
  }

  @Override
  public void write(Batch batch) {
    failIf(fault);
    store.write(batch);
  }

  @Override
  public void scan(String namespace, byte[] fromInclusive, byte[] toExclusive, Visitor visitor) {
    failIf(fault);
    store.scan(namespace, fromInclusive, toExclusive, visitor);
  }

  private static void failIf(Fault f) {
    if (f == Fault.FAIL) {
      throw new IllegalStateException("test: the store is failing");
    }
  }
}
