package org.mailward.app;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;

/**
 * A spool that passes every call to another (Guava's Forwarding* pattern, one
 * level only): relay-app's views of the spool for delivery (here and in its metrics
 * package) override the calls they change. Does not close the spool it wraps
 * (SpoolStorage does).
 */
public abstract class ForwardingSpool implements Spool {
  protected final Spool spool;

  protected ForwardingSpool(Spool spool) {
    this.spool = spool;
  }

  @Override
  public CompletionStage<Void> settle(List<Settlement> settlements) {
    return spool.settle(settlements);
  }

  @Override
  public SpoolHealth health() {
    return spool.health();
  }

  @Override
  public MessageWriter begin(MessageId id) {
    return spool.begin(id);
  }

  @Override
  public Optional<Envelope> envelope(MessageId id) {
    return spool.envelope(id);
  }

  @Override
  public Optional<BodySource> body(MessageId id) {
    return spool.body(id);
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit) {
    return spool.claimDue(now, limit);
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    return spool.claimDue(now, limit, order);
  }

  @Override
  public SpoolStats stats() {
    return spool.stats();
  }

  @Override
  public void close() {
    // the spool belongs to SpoolStorage, which closes it
  }
}
