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
