package org.mailward.delivery;

import java.time.Duration;
import org.mailward.api.Envelope;
import org.mailward.api.RecipientOutcome;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;

/**
 * A delivery service over relay-testkit's spool and audit journal, as the delivery ITs build it;
 * closing it stops the service. Does not: start the service (each test does, after filling the spool).
 */
record DeliveryRig(MemorySpool spool, MemoryAuditJournal audit, DeliveryService service) implements AutoCloseable {
  @Override
  public void close() {
    service.stop();
  }

  /** Waits (20 s at most) until the message's first recipient has an outcome of {@code type}; a timeout names what was settled and audited. */
  RecipientOutcome await(Envelope env, Class<? extends RecipientOutcome> type) {
    try {
      Await.until(Duration.ofSeconds(20), () -> spool.outcome(env.ref(0)).filter(type::isInstance).isPresent(), type.getSimpleName());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; settled " + spool.settled() + "; audit " + audit.events(), e);
    }
    return spool.outcome(env.ref(0)).orElseThrow();
  }
}
