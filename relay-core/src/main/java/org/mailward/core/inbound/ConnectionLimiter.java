package org.mailward.core.inbound;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;

/** Counts open connections in total, per client address and per tenant. Thread-safe, in memory. */
final class ConnectionLimiter {
  private final int maxTotal;
  private final int maxPerIp;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TenantId, Integer> perTenant = new ConcurrentHashMap<>();

  ConnectionLimiter(int maxTotal, int maxPerIp) {
    this.maxTotal = maxTotal;
    this.maxPerIp = maxPerIp;
  }

  /** Takes a connection slot for {@code ip}; false (nothing taken) when a limit is reached. */
  boolean tryOpen(String ip) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return false;
    }
    if (!tryIncrement(perIp, ip, maxPerIp)) {
      total.decrementAndGet();
      return false;
    }
    return true;
  }

  void close(String ip) {
    total.decrementAndGet();
    decrement(perIp, ip);
  }

  boolean tryTenant(Tenant tenant) {
    return tryIncrement(perTenant, tenant.id(), tenant.limits().maxConnections());
  }

  void closeTenant(TenantId id) {
    decrement(perTenant, id);
  }

  int open() {
    return total.get();
  }

  private static <K> boolean tryIncrement(ConcurrentHashMap<K, Integer> map, K key, int max) {
    boolean[] ok = {false};
    map.compute(key, (k, n) -> {
      int cur = n == null ? 0 : n;
      if (cur >= max) {
        return n;
      }
      ok[0] = true;
      return cur + 1;
    });
    return ok[0];
  }

  private static <K> void decrement(ConcurrentHashMap<K, Integer> map, K key) {
    map.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
