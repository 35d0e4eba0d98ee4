// QueueControl over the spool: the operator's listing, qshape and actions.
// Reads walk the status family (one row per unfinished message, oldest id first;
// a row may be one group behind) and open envelopes with the message's data key
// only for what they return. Actions are QueueActions carried through the group
// commit, so each is durable when its stage completes and survives a crash.
// Does not send DSNs (bounce: the caller does) nor audit (the caller does).
package org.mailward.queue.spool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.QueueControl;
import org.mailward.api.RecipientRef;
import org.mailward.queue.rocks.RocksDatabase;
import org.mailward.queue.rocks.RocksDatabase.Family;
import org.mailward.queue.spool.RecipientStates.State;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

final class SpoolQueueControl implements QueueControl {
  private final RocksChronicleSpool spool;
  private final RocksDatabase db;
  private final GroupCommitter committer;
  private final DueLeases leases;
  private final Clock clock;

  SpoolQueueControl(RocksChronicleSpool spool, RocksDatabase db, GroupCommitter committer, DueLeases leases, Clock clock) {
    this.clock = clock;
    this.spool = spool;
    this.db = db;
    this.committer = committer;
    this.leases = leases;
  }

  @Override
  public List<QueuedMessage> list(Optional<QueueState> state, Optional<String> domain, int limit) {
    List<QueuedMessage> out = new ArrayList<>();
    try (RocksIterator it = db.db().newIterator(db.handle(Family.STATUS))) {
      for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
        MessageId id = SpoolKeys.messageId(it.key());
        view(id, RecipientStates.decode(it.value()), state, domain).ifPresent(out::add);
      }
    }
    return out;
  }

  @Override
  public Optional<QueuedMessage> message(MessageId id) {
    try {
      byte[] row = db.db().get(db.handle(Family.STATUS), SpoolKeys.message(id));
      return row == null ? Optional.empty() : view(id, RecipientStates.decode(row), Optional.empty(), Optional.empty());
    } catch (RocksDBException e) {
      throw new IllegalStateException("spool read failed: " + e.getMessage(), e);
    }
  }

  /** The message with its unfinished recipients that match the filters; empty when none does. */
  private Optional<QueuedMessage> view(MessageId id, RecipientStates s, Optional<QueueState> state, Optional<String> domain) {
    List<Integer> match = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      Optional<QueueState> qs = queueState(s.states[i]);
      if (qs.isPresent() && (state.isEmpty() || state.get() == qs.get())
          && (domain.isEmpty() || domain.get().equalsIgnoreCase(s.domains[i]))) {
        match.add(i);
      }
    }
    if (match.isEmpty()) {
      return Optional.empty();
    }
    Optional<MessageRecord> rec = spool.messageRecord(id);
    Optional<Envelope> env = spool.envelope(id);
    if (rec.isEmpty() || env.isEmpty()) {
      return Optional.empty(); // finished meanwhile
    }
    List<QueuedRecipient> rcpts = new ArrayList<>();
    for (int i : match) {
      State st = s.states[i];
      rcpts.add(new QueuedRecipient(i, env.get().recipients().get(i).address(), s.domains[i], queueState(st).orElseThrow(),
          s.attempts[i], st == State.HELD ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.due[i])),
          s.lastReplies[i].isEmpty() ? Optional.empty() : Optional.of(s.lastReplies[i])));
    }
    return Optional.of(new QueuedMessage(id, env.get().tenant(), env.get().receivedAt(), rec.get().size(),
        env.get().requiredLevel(), rcpts));
  }

  private static Optional<QueueState> queueState(State s) {
    return switch (s) {
      case PENDING -> Optional.of(QueueState.ACTIVE);
      case DEFERRED -> Optional.of(QueueState.DEFERRED);
      case HELD -> Optional.of(QueueState.HELD);
      default -> Optional.empty();
    };
  }

  /** Ages from the message id's time (when it was received); no envelope is opened. */
  @Override
  public List<DestinationShape> shape(Instant now, List<Duration> bucketUpperBounds) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    int buckets = bucketUpperBounds.size() + 1;
    try (RocksIterator it = db.db().newIterator(db.handle(Family.STATUS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        MessageId id = SpoolKeys.messageId(it.key());
        Duration age = Duration.ofMillis(Math.max(0, now.toEpochMilli() - id.epochMillis()));
        int bucket = 0;
        while (bucket < bucketUpperBounds.size() && age.compareTo(bucketUpperBounds.get(bucket)) > 0) {
          bucket++;
        }
        RecipientStates s = RecipientStates.decode(it.value());
        for (int i = 0; i < s.size(); i++) {
          if (!s.states[i].isFinal()) {
            counts.computeIfAbsent(s.domains[i], k -> new long[buckets])[bucket]++;
          }
        }
      }
    }
    List<DestinationShape> out = new ArrayList<>();
    counts.forEach((d, c) -> out.add(new DestinationShape(d, java.util.Arrays.stream(c).sum(),
        java.util.Arrays.stream(c).boxed().toList())));
    out.sort((a, b) -> Long.compare(b.total(), a.total()));
    return out;
  }

  @Override
  public CompletionStage<Integer> hold(MessageId id) {
    return committer.control(new QueueAction.Hold(id));
  }

  @Override
  public CompletionStage<Integer> release(MessageId id) {
    return committer.control(new QueueAction.Release(id));
  }

  /** Recipients in flight are left alone (their attempt is running); held ones stay held. */
  @Override
  public CompletionStage<Integer> retryNow(Selector selector) {
    List<RecipientRef> refs;
    if (selector instanceof Selector.OneMessage one) {
      refs = new ArrayList<>();
      message(one.id()).ifPresent(m -> m.recipients().forEach(r -> refs.add(new RecipientRef(one.id(), r.index()))));
    } else if (selector instanceof Selector.Domain d) {
      refs = leases.waitingAfter(clock.millis(), dom -> dom.equalsIgnoreCase(d.domain()));
    } else {
      refs = leases.waitingAfter(clock.millis(), dom -> true);
    }
    return committer.control(new QueueAction.RetryNow(refs));
  }

  @Override
  public CompletionStage<Integer> bounce(MessageId id) {
    return committer.control(new QueueAction.Bounce(id));
  }

  @Override
  public CompletionStage<Integer> delete(MessageId id) {
    return committer.control(new QueueAction.Delete(id));
  }

  @Override
  public CompletionStage<Void> suspend(String domain) {
    return committer.control(new QueueAction.Suspend(domain.toLowerCase(Locale.ROOT))).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> resume(String domain) {
    return committer.control(new QueueAction.Resume(domain.toLowerCase(Locale.ROOT))).thenApply(n -> null);
  }

  @Override
  public Set<String> suspendedDomains() {
    return leases.suspended();
  }
}
