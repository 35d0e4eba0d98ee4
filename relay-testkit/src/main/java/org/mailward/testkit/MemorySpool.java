package org.mailward.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.api.SpoolHealth;

/**
 * The one test {@link Spool} of every module (the real one is the queue module's
 * RocksChronicleSpool): recipient state in memory — due time, attempts, lease, last
 * outcome — with a due index so a claim costs O(k log n) from either end; a message
 * whose recipients are all final is finished and no longer claimable or readable.
 * Bodies live in the heap ({@link #MemorySpool(Clock)}) or, for tests that send large
 * messages or need a commit that really syncs, one file each in a directory
 * ({@link #withBodyFiles}): the commit forces the file on a separate thread and only
 * then completes, as the real spool's group sync does.
 *
 * <p>For assertions it keeps every envelope committed, every settlement and every
 * outcome; for fault tests it can report a given health, fail {@code begin}, or fail
 * commits. Does not: encrypt, group-commit, survive a restart, or bound its memory
 * (bodies of finished messages are kept for {@link #committedBody}).
 */
public final class MemorySpool implements Spool {
  private final Clock clock;
  private final Optional<Path> bodyDir;
  private final ExecutorService syncer;
  private final Map<MessageId, Envelope> live = new HashMap<>();
  private final Map<MessageId, Envelope> committed = new LinkedHashMap<>();
  private final Map<MessageId, byte[]> heapBodies = new HashMap<>();
  private final Map<MessageId, List<Settlement>> presettled = new HashMap<>();
  private final Map<RecipientRef, State> states = new HashMap<>();
  private final TreeSet<Due> due = new TreeSet<>();
  private final List<Settlement> settled = new ArrayList<>();
  private final AtomicInteger aborted = new AtomicInteger();
  private volatile SpoolHealth health = new SpoolHealth(SpoolHealth.State.OK, 0, Long.MAX_VALUE);
  private volatile boolean failBegin;
  private volatile boolean failCommits;

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

    boolean isFinal() {
      return last != null && last.isFinal();
    }
  }

  /** An entry of the due index: unleased, not final. A null ref is a bound that sorts after every ref due at the same time. */
  private record Due(Instant at, RecipientRef ref) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = at.compareTo(o.at);
      if (c != 0 || ref == o.ref) {
        return c;
      }
      return ref == null ? 1 : o.ref == null ? -1 : ref.compareTo(o.ref);
    }
  }

  /** Bodies in the heap; commits complete at once. */
  public MemorySpool(Clock clock) {
    this(clock, Optional.empty());
  }

  private MemorySpool(Clock clock, Optional<Path> bodyDir) {
    this.clock = clock;
    this.bodyDir = bodyDir;
    this.syncer = bodyDir.isPresent()
        ? Executors.newSingleThreadExecutor(r -> new Thread(r, "test-spool-sync")) : null;
  }

  /** Bodies in one file each under {@code dir} (created); a commit forces its file on a sync thread first. */
  public static MemorySpool withBodyFiles(Path dir, Clock clock) throws IOException {
    return new MemorySpool(clock, Optional.of(Files.createDirectories(dir)));
  }

  // ---- set-up and assertions ----

  /** Adds a message as the inbound server would (commit with no presettled outcomes); every recipient due now. */
  public void add(Envelope env, byte[] body) {
    byte[] copy = body.clone();
    synchronized (this) {
      heapBodies.put(env.id(), copy);
    }
    committed(env, List.of());
  }

  /** Every envelope ever committed (finished ones too), in commit order. */
  public synchronized Map<MessageId, Envelope> committed() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(committed));
  }

  /** The body of any message ever committed, even after it finished. */
  public byte[] committedBody(MessageId id) {
    synchronized (this) {
      byte[] b = heapBodies.get(id);
      if (b != null || !committed.containsKey(id)) {
        return b;
      }
    }
    try {
      return Files.readAllBytes(bodyFile(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outcomes committed with the message (recipients settled before delivery, e.g. dropped by policy). */
  public synchronized List<Settlement> presettled(MessageId id) {
    return presettled.getOrDefault(id, List.of());
  }

  /** Every settlement passed to {@link #settle}, in order. */
  public synchronized List<Settlement> settled() {
    return List.copyOf(settled);
  }

  /** The last outcome recorded for a recipient, presettled or settled. */
  public synchronized Optional<RecipientOutcome> outcome(RecipientRef ref) {
    State s = states.get(ref);
    return s == null ? Optional.empty() : Optional.ofNullable(s.last);
  }

  /** Recipients currently leased (claimed and not settled). */
  public synchronized long leased() {
    return states.values().stream().filter(st -> st.leased).count();
  }

  /** Whether every recipient of a committed message is final. */
  public synchronized boolean isFinished(MessageId id) {
    return committed.containsKey(id) && !live.containsKey(id);
  }

  /** Messages finished so far. */
  public synchronized long finished() {
    return committed.size() - live.size();
  }

  /** Writers aborted so far. */
  public int aborted() {
    return aborted.get();
  }

  /** Body files present (committed or being written); 0 with bodies in the heap. */
  public long filesOnDisk() throws IOException {
    if (bodyDir.isEmpty()) {
      return 0;
    }
    try (var s = Files.list(bodyDir.get())) {
      return s.count();
    }
  }

  // ---- fault hooks ----

  /** What {@link #health()} reports from now on. */
  public void reportHealth(SpoolHealth health) {
    this.health = health;
  }

  /** While true, {@link #begin} throws {@link SpoolException.Unavailable}. */
  public void failBegin(boolean fail) {
    this.failBegin = fail;
  }

  /** While true, commits fail with {@link SpoolException.Unavailable} (as on a full disk). */
  public void failCommits(boolean fail) {
    this.failCommits = fail;
  }

  // ---- the port ----

  @Override
  public SpoolHealth health() {
    return health;
  }

  @Override
  public MessageWriter begin(MessageId id) {
    if (failBegin) {
      throw new SpoolException.Unavailable("test: begin fails", null);
    }
    return bodyDir.isPresent() ? new FileWriter(id) : new HeapWriter(id);
  }

  private final class HeapWriter implements MessageWriter {
    private final MessageId id;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    HeapWriter(MessageId id) {
      this.id = id;
    }

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
      Optional<CompletionStage<Void>> refused = refusal(id, envelope);
      if (refused.isPresent()) {
        return refused.get();
      }
      synchronized (MemorySpool.this) {
        heapBodies.put(id, buf.toByteArray());
      }
      committed(envelope, presettled);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void abort() {
      buf.reset();
      aborted.incrementAndGet();
    }
  }

  private final class FileWriter implements MessageWriter {
    private final MessageId id;
    private final Path file;
    private final FileChannel ch;
    private long size;
    private boolean done;

    FileWriter(MessageId id) {
      this.id = id;
      this.file = bodyFile(id);
      try {
        ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new SpoolException.Unavailable("cannot create body file", e);
      }
    }

    @Override
    public void write(ByteBuffer chunk) {
      try {
        while (chunk.hasRemaining()) {
          size += ch.write(chunk);
        }
      } catch (IOException e) {
        abort();
        throw new SpoolException.Unavailable("write failed", e);
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public CompletionStage<Void> commit(Envelope envelope, List<Settlement> settled) {
      Optional<CompletionStage<Void>> refused = refusal(id, envelope);
      if (refused.isPresent()) {
        return refused.get();
      }
      return CompletableFuture.runAsync(() -> {
        try {
          ch.force(true);
          ch.close();
          done = true;
        } catch (IOException e) {
          throw new SpoolException.Unavailable("fsync failed", e);
        }
        committed(envelope, settled);
      }, syncer);
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      aborted.incrementAndGet();
      try {
        ch.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** What both writers check before a commit: the envelope's id, and the fault hook. Empty: go on. */
  private Optional<CompletionStage<Void>> refusal(MessageId id, Envelope envelope) {
    if (!envelope.id().equals(id)) {
      throw new IllegalArgumentException("envelope id does not match");
    }
    return failCommits ? Optional.of(CompletableFuture.failedFuture(new SpoolException.Unavailable("test: disk full", null)))
        : Optional.empty();
  }

  private Path bodyFile(MessageId id) {
    return bodyDir.orElseThrow().resolve(id + ".eml");
  }

  /** Records a durable message: the presettled outcomes apply, every other recipient is due now. */
  private synchronized void committed(Envelope env, List<Settlement> pre) {
    Instant now = clock.instant();
    committed.put(env.id(), env);
    live.put(env.id(), env);
    presettled.put(env.id(), List.copyOf(pre));
    for (int i = 0; i < env.recipients().size(); i++) {
      State s = new State(now, env.recipients().get(i).address().domain());
      states.put(env.ref(i), s);
      due.add(new Due(now, env.ref(i)));
    }
    for (Settlement p : pre) {
      State s = states.get(p.ref());
      if (s != null) {
        due.remove(new Due(s.due, p.ref()));
        record(s, p);
      }
    }
    finishIfFinal(env.id());
  }

  @Override
  public synchronized Optional<Envelope> envelope(MessageId id) {
    return Optional.ofNullable(live.get(id));
  }

  @Override
  public Optional<BodySource> body(MessageId id) {
    byte[] b;
    synchronized (this) {
      if (!live.containsKey(id)) {
        return Optional.empty();
      }
      b = heapBodies.get(id);
    }
    if (b != null) {
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
    Path file = bodyFile(id);
    return Optional.of(new BodySource() {
      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public long size() {
        try {
          return Files.size(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  @Override
  public List<DueRecipient> claimDue(Instant now, int limit) {
    return claimDue(now, limit, ClaimOrder.OLDEST_DUE_FIRST);
  }

  @Override
  public synchronized List<DueRecipient> claimDue(Instant now, int limit, ClaimOrder order) {
    List<DueRecipient> out = new ArrayList<>();
    var candidates = due.headSet(new Due(now, null), false);
    var it = order == ClaimOrder.NEWEST_DUE_FIRST ? candidates.descendingIterator() : candidates.iterator();
    while (out.size() < limit && it.hasNext()) {
      Due d = it.next();
      it.remove();
      State s = states.get(d.ref());
      s.leased = true;
      out.add(new DueRecipient(d.ref(), s.domain, s.due, s.attempts));
    }
    return out;
  }

  @Override
  public synchronized CompletionStage<Void> settle(List<Settlement> settlements) {
    for (Settlement s : settlements) {
      State st = states.get(s.ref());
      if (st == null) {
        continue;
      }
      due.remove(new Due(st.due, s.ref()));
      st.leased = false;
      st.attempts++;
      record(st, s);
      settled.add(s);
    }
    for (Settlement s : settlements) {
      finishIfFinal(s.ref().messageId());
    }
    return CompletableFuture.completedFuture(null);
  }

  private void record(State st, Settlement s) {
    st.last = s.outcome();
    if (s.outcome() instanceof RecipientOutcome.Deferred d) {
      st.due = d.retryAt();
    }
    if (!st.isFinal() && !st.leased) {
      due.add(new Due(st.due, s.ref()));
    }
  }

  private void finishIfFinal(MessageId id) {
    Envelope env = live.get(id);
    if (env != null && IntStream.range(0, env.recipients().size())
        .allMatch(i -> states.get(env.ref(i)).isFinal())) {
      live.remove(id);
    }
  }

  @Override
  public synchronized SpoolStats stats() {
    long active = 0;
    long deferred = 0;
    long delivered = 0;
    long bounced = 0;
    long held = 0;
    for (State s : states.values()) {
      if (!s.isFinal()) {
        active++;
      }
      if (s.last instanceof RecipientOutcome.Deferred) {
        deferred++;
      } else if (s.last instanceof RecipientOutcome.Delivered) {
        delivered++;
      } else if (s.last instanceof RecipientOutcome.Bounced) {
        bounced++;
      } else if (s.last instanceof RecipientOutcome.HeldInPortal) {
        held++;
      }
    }
    return new SpoolStats(live.size(), active, deferred, delivered, bounced, held);
  }

  @Override
  public void close() {
    if (syncer != null) {
      syncer.shutdownNow();
    }
  }
}
