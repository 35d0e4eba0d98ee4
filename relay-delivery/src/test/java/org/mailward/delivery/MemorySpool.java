package org.mailward.delivery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.Spool;
import org.mailward.api.SpoolHealth;

/**
 * An honest in-memory {@link Spool} for the delivery tests (the real one is the
 * queue module's RocksDB spool): per-recipient due time, attempt count, lease and
 * final state; claims by due time from either end; a finished message is removed.
 * Keeps every settlement so tests can assert on outcomes. Test-only: bodies are in heap.
 */
public final class MemorySpool implements Spool {
  private final Clock clock;
  private final Map<MessageId, Envelope> envelopes = new HashMap<>();
  private final Map<MessageId, byte[]> bodies = new HashMap<>();
  private final Map<RecipientRef, State> states = new HashMap<>();
  public final List<Settlement> settled = new CopyOnWriteArrayList<>();
  public final List<Envelope> committed = new CopyOnWriteArrayList<>();
  private final Map<MessageId, byte[]> everCommitted = new java.util.concurrent.ConcurrentHashMap<>();

  private static final class State {
    Instant due;
    int attempts;
    boolean leased;
    RecipientOutcome last;
    final String domain;

    State(Instant due, String domain) {
      this.due = due;
      this.domain = domain;
    }
  }

  public MemorySpool(Clock clock) {
    this.clock = clock;
  }

  /** Adds a message as the inbound server would (commit with no presettled outcomes). */
  public synchronized void add(Envelope env, byte[] body) {
    envelopes.put(env.id(), env);
    bodies.put(env.id(), body.clone());
    for (int i = 0; i < env.recipients().size(); i++) {
      states.put(env.ref(i), new State(clock.instant(), env.recipients().get(i).address().domain()));
    }
    everCommitted.put(env.id(), body.clone());
    committed.add(env);
  }

  public synchronized Optional<RecipientOutcome> outcome(RecipientRef ref) {
    State s = states.get(ref);
    return s == null ? Optional.empty() : Optional.ofNullable(s.last);
  }

  public synchronized Optional<byte[]> bodyBytes(MessageId id) {
    return Optional.ofNullable(bodies.get(id));
  }

  /** Recipients currently leased (claimed and not settled). */
  public synchronized long leased() {
    return states.values().stream().filter(st -> st.leased).count();
  }

  /** The body of any message ever committed, even after it finished. */
  public byte[] committedBody(MessageId id) {
    return everCommitted.get(id);
  }

  public synchronized boolean isFinished(MessageId id) {
    return !envelopes.containsKey(id);
  }

  @Override
  public SpoolHealth health() {
    return new SpoolHealth(SpoolHealth.State.OK, 0, Long.MAX_VALUE);
  }

  @Override
  public MessageWriter begin(MessageId id) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    return new MessageWriter() {
      @Override
      public void write(ByteBuffer chunk) {
        byte[] b = new byte[chunk.remaining()];
        chunk.get(b);
        buf.writeBytes(b);
      }

      @Override
      public long size() {
        return buf.size();
      }

      @Override
      public CompletionStage<Void> commit(Envelope envelope, List<Settlement> presettled) {
        if (!envelope.id().equals(id)) {
          return CompletableFuture.failedFuture(new IllegalArgumentException("id mismatch"));
        }
        add(envelope, buf.toByteArray());
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void abort() {
        buf.reset();
      }
    };
  }

  @Override
  public synchronized Optional<Envelope> envelope(MessageId id) {
    return Optional.ofNullable(envelopes.get(id));
  }

  @Override
  public synchronized Optional<BodySource> body(MessageId id) {
    byte[] b = bodies.get(id);
    if (b == null) {
      return Optional.empty();
    }
    return Optional.of(new BodySource() {
      @Override
      public InputStream open() {
        return new ByteArrayInputStream(b);
      }

      @Override
      public long size() {
        return b.length;
      }
    });
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit) {
    return claimDue(now, limit, ClaimOrder.OLDEST_DUE_FIRST);
  }

  @Override
  public synchronized List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    Comparator<Map.Entry<RecipientRef, State>> byDue = Comparator.comparing((Map.Entry<RecipientRef, State> e) -> e.getValue().due)
        .thenComparing(Map.Entry::getKey);
    if (order == ClaimOrder.NEWEST_DUE_FIRST) {
      byDue = byDue.reversed();
    }
    List<DueRecipient> out = new ArrayList<>();
    states.entrySet().stream()
        .filter(e -> e.getValue().last == null || !e.getValue().last.isFinal())
        .filter(e -> !e.getValue().leased && !e.getValue().due.isAfter(now))
        .sorted(byDue).limit(limit).forEach(e -> {
          e.getValue().leased = true;
          out.add(new DueRecipient(e.getKey(), e.getValue().domain, e.getValue().due, e.getValue().attempts));
        });
    return out;
  }

  @Override
  public synchronized CompletionStage<Void> settle(List<Settlement> settlements) {
    for (Settlement s : settlements) {
      State st = states.get(s.ref());
      if (st == null) {
        continue;
      }
      st.leased = false;
      st.attempts++;
      st.last = s.outcome();
      if (s.outcome() instanceof RecipientOutcome.Deferred d) {
        st.due = d.retryAt();
      }
      settled.add(s);
    }
    for (Settlement s : settlements) {
      MessageId id = s.ref().messageId();
      Envelope env = envelopes.get(id);
      if (env != null && java.util.stream.IntStream.range(0, env.recipients().size())
          .allMatch(i -> states.get(env.ref(i)).last != null && states.get(env.ref(i)).last.isFinal())) {
        envelopes.remove(id);
        bodies.remove(id);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized SpoolStats stats() {
    long active = states.values().stream().filter(s -> s.last == null || !s.last.isFinal()).count();
    return new SpoolStats(envelopes.size(), active, 0, 0, 0, 0);
  }

  @Override
  public void close() {}
}
