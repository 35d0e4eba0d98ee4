package org.mailward.policy.consent;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.mailward.api.EmailAddress;
import org.mailward.api.TenantId;

/**
 * A Caffeine cache of {@link RecipientState} in front of the store, so pipelined RCPT bursts are
 * answered from memory: a hit completes at once on the caller's thread (no hop, no hash), a miss
 * loads on the policy executor. Entries expire after the configured TTL (the bound on staleness
 * for changes made on other nodes); changes made through this node's {@link ConsentStore} evict
 * the entry at once, found through a reverse index from keyed hash to cache key.
 */
public final class ConsentCache {
  /** Cache key: tenant and normalised address (memory only, never stored or logged). */
  record Key(TenantId tenant, String address) {}

  private record HashKey(TenantId tenant, ByteBuffer hash) {}

  private record Entry(HashKey hashKey, RecipientState state) {}

  private final ConsentStore store;
  private final AsyncLoadingCache<Key, Entry> cache;
  private final Map<HashKey, Key> byHash = new ConcurrentHashMap<>();

  public ConsentCache(ConsentStore store, long maximumSize, Duration ttl, Executor executor) {
    this.store = store;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterWrite(ttl)
        .executor(executor)
        .evictionListener((Key key, Entry value, RemovalCause cause) -> {
          if (key != null && value != null) {
            byHash.remove(value.hashKey(), key);
          }
        })
        .buildAsync(this::load);
    store.addListener(this::invalidate);
  }

  private Entry load(Key key) {
    byte[] hash = store.recipientHash(key.tenant(), parse(key));
    HashKey hashKey = new HashKey(key.tenant(), ByteBuffer.wrap(hash));
    // Index before reading, so a change that lands during the read still finds and evicts us.
    byHash.put(hashKey, key);
    return new Entry(hashKey, store.load(key.tenant(), hash));
  }

  private static EmailAddress parse(Key key) {
    int at = key.address().lastIndexOf('@');
    return new EmailAddress(key.address().substring(0, at), key.address().substring(at + 1));
  }

  /** Non-blocking lookup; completes at once on a hit. */
  public CompletableFuture<RecipientState> lookup(TenantId tenant, EmailAddress address) {
    return cache.get(new Key(tenant, address.normalized())).thenApply(Entry::state);
  }

  /** Blocking lookup for worker threads: a cached value, else a direct read (never waits on the executor). */
  public RecipientState lookupBlocking(TenantId tenant, EmailAddress address) {
    CompletableFuture<Entry> cached = cache.getIfPresent(new Key(tenant, address.normalized()));
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
      return cached.join().state();
    }
    return store.load(tenant, store.recipientHash(tenant, address));
  }

  public void invalidate(TenantId tenant, byte[] hash) {
    Key key = byHash.remove(new HashKey(tenant, ByteBuffer.wrap(hash)));
    if (key != null) {
      cache.synchronous().invalidate(key);
    }
  }

  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }
}
