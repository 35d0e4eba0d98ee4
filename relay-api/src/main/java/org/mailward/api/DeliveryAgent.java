package org.mailward.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Delivers messages to one destination domain and reports an outcome per
 * recipient, with the TLS facts of the session. Never sends a body in plaintext.
 */
public interface DeliveryAgent {
  CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch);

  /**
   * As {@link #deliver(DeliveryBatch)}, handing the outcomes of each SMTP transaction to {@code early} as soon
   * as the receiver has answered it, so the caller can record them while the rest of the batch is still being
   * delivered: a crash then repeats only the deliveries in flight, not every delivery of a long batch.
   * Outcomes handed to {@code early} are not in the returned list. The default reports nothing early.
   */
  default CompletionStage<List<Spool.Settlement>> deliver(DeliveryBatch batch, EarlyOutcomes early) {
    return deliver(batch);
  }

  /** Receives outcomes before their batch is over. Called from the agent's threads; must not block. */
  @FunctionalInterface
  interface EarlyOutcomes {
    void completed(List<Spool.Settlement> settlements);
  }

  /**
   * @param items messages for {@code domain}, each with the recipients (by index) to deliver
   */
  record DeliveryBatch(String domain, List<Item> items) {
    public DeliveryBatch {
      items = List.copyOf(items);
    }
  }

  record Item(Envelope envelope, List<Integer> recipientIndexes, BodySource body, int attempts) {
    public Item {
      recipientIndexes = List.copyOf(recipientIndexes);
    }
  }
}
