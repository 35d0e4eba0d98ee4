package org.mailward.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.mailward.api.MessageId;
import org.mailward.api.QueueControl;

/**
 * {@link QueueControl} over messages kept in memory, for tests of the port's users (the admin API,
 * mailwardctl). Actions change recipient states the way the port describes (hold, release,
 * retry-now, bounce and delete remove or change unfinished recipients) and count what they
 * touched; nothing is durable. The spool's real implementation lives in the queue module.
 */
public final class MemoryQueueControl implements QueueControl {
  private final Map<MessageId, QueuedMessage> messages = new LinkedHashMap<>();
  private final Set<String> suspended = new TreeSet<>();
  private final Instant now;

  /** @param now the instant retry-now makes recipients due at */
  public MemoryQueueControl(Instant now) {
    this.now = now;
  }

  public synchronized void add(QueuedMessage m) {
    messages.put(m.id(), m);
  }

  @Override
  public synchronized List<QueuedMessage> list(Optional<QueueState> state, Optional<String> domain, int limit) {
    return messages.values().stream()
        .filter(m -> m.recipients().stream().anyMatch(r -> state.map(s -> r.state() == s).orElse(true)
            && domain.map(d -> r.domain().equals(d)).orElse(true)))
        .sorted(Comparator.comparing(QueuedMessage::arrived)).limit(limit).toList();
  }

  @Override
  public synchronized Optional<QueuedMessage> message(MessageId id) {
    return Optional.ofNullable(messages.get(id));
  }

  @Override
  public synchronized List<DestinationShape> shape(Instant at, List<Duration> bounds) {
    Map<String, long[]> counts = new TreeMap<>();
    for (QueuedMessage m : messages.values()) {
      Duration age = Duration.between(m.arrived(), at);
      int bucket = 0;
      while (bucket < bounds.size() && age.compareTo(bounds.get(bucket)) >= 0) {
        bucket++;
      }
      for (QueuedRecipient r : m.recipients()) {
        counts.computeIfAbsent(r.domain(), d -> new long[bounds.size() + 1])[bucket]++;
      }
    }
    List<DestinationShape> out = new ArrayList<>();
    counts.forEach((d, c) -> {
      List<Long> l = new ArrayList<>();
      long total = 0;
      for (long x : c) {
        l.add(x);
        total += x;
      }
      out.add(new DestinationShape(d, total, l));
    });
    out.sort(Comparator.comparingLong(DestinationShape::total).reversed().thenComparing(DestinationShape::domain));
    return out;
  }

  @Override
  public CompletionStage<Integer> hold(MessageId id) {
    return change(id, r -> r.state() == QueueState.HELD ? r : with(r, QueueState.HELD, r.nextAttempt()));
  }

  @Override
  public CompletionStage<Integer> release(MessageId id) {
    return change(id, r -> r.state() != QueueState.HELD ? r : with(r, QueueState.DEFERRED, Optional.of(now)));
  }

  @Override
  public synchronized CompletionStage<Integer> retryNow(Selector selector) {
    int n = 0;
    for (QueuedMessage m : List.copyOf(messages.values())) {
      if (selector instanceof Selector.OneMessage one && !one.id().equals(m.id())) {
        continue;
      }
      List<QueuedRecipient> rs = new ArrayList<>();
      for (QueuedRecipient r : m.recipients()) {
        boolean match = r.state() == QueueState.DEFERRED
            && (!(selector instanceof Selector.Domain d) || d.domain().equals(r.domain()));
        rs.add(match ? with(r, QueueState.DEFERRED, Optional.of(now)) : r);
        n += match ? 1 : 0;
      }
      messages.put(m.id(), new QueuedMessage(m.id(), m.tenant(), m.arrived(), m.sizeBytes(), m.level(), rs));
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public synchronized CompletionStage<Integer> bounce(MessageId id) {
    return remove(id);
  }

  @Override
  public synchronized CompletionStage<Integer> delete(MessageId id) {
    return remove(id);
  }

  @Override
  public synchronized CompletionStage<Void> suspend(String domain) {
    suspended.add(domain);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> resume(String domain) {
    suspended.remove(domain);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized Set<String> suspendedDomains() {
    return Set.copyOf(suspended);
  }

  private synchronized CompletionStage<Integer> remove(MessageId id) {
    QueuedMessage m = messages.remove(id);
    return CompletableFuture.completedFuture(m == null ? 0 : m.recipients().size());
  }

  private synchronized CompletionStage<Integer> change(MessageId id, UnaryOperator<QueuedRecipient> f) {
    QueuedMessage m = messages.get(id);
    if (m == null) {
      return CompletableFuture.completedFuture(0);
    }
    int n = 0;
    List<QueuedRecipient> rs = new ArrayList<>();
    for (QueuedRecipient r : m.recipients()) {
      QueuedRecipient next = f.apply(r);
      n += next.equals(r) ? 0 : 1;
      rs.add(next);
    }
    messages.put(id, new QueuedMessage(m.id(), m.tenant(), m.arrived(), m.sizeBytes(), m.level(), rs));
    return CompletableFuture.completedFuture(n);
  }

  private static QueuedRecipient with(QueuedRecipient r, QueueState s, Optional<Instant> next) {
    return new QueuedRecipient(r.index(), r.address(), r.domain(), s, r.attempts(), next, r.lastReply());
  }
}
