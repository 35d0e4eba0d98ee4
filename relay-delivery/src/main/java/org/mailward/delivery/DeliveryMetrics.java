package org.mailward.delivery;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.api.DeliveryFailure;

/**
 * Counters of outbound delivery, per recipient and attempt, cheap to bump from
 * any thread: delivered, and deferred or bounced by {@link DeliveryFailure.Kind}
 * (a closed set, so the labels are bounded). relay-app binds them to Micrometer
 * ({@code mailward_delivery_recipients_total{status,reason}}). No addresses, no domains.
 */
public final class DeliveryMetrics {
  private final LongAdder delivered = new LongAdder();
  private final LongAdder held = new LongAdder();
  private final Map<DeliveryFailure.Kind, LongAdder> deferred = counters();
  private final Map<DeliveryFailure.Kind, LongAdder> bounced = counters();

  private static Map<DeliveryFailure.Kind, LongAdder> counters() {
    Map<DeliveryFailure.Kind, LongAdder> m = new EnumMap<>(DeliveryFailure.Kind.class);
    for (DeliveryFailure.Kind k : DeliveryFailure.Kind.values()) {
      m.put(k, new LongAdder());
    }
    return m;
  }

  public void delivered(int recipients) {
    delivered.add(recipients);
  }

  public void held(int recipients) {
    held.add(recipients);
  }

  public long held() {
    return held.sum();
  }

  public void deferred(DeliveryFailure.Kind kind, int recipients) {
    deferred.get(kind).add(recipients);
  }

  public void bounced(DeliveryFailure.Kind kind, int recipients) {
    bounced.get(kind).add(recipients);
  }

  public long delivered() {
    return delivered.sum();
  }

  public long deferred(DeliveryFailure.Kind kind) {
    return deferred.get(kind).sum();
  }

  public long bounced(DeliveryFailure.Kind kind) {
    return bounced.get(kind).sum();
  }
}
