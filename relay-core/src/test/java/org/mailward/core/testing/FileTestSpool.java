package org.mailward.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.api.SpoolHealth;

/**
 * A small, honest spool for relay-core's tests: each body goes to its own file
 * in a temp directory; commit forces the file to disk on a separate thread and
 * only then completes. Not encrypted, no group commit: the real one is in `queue`.
 */
public final class FileTestSpool implements Spool {
  private final Path dir;
  private final ExecutorService syncer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-spool-sync"));
  private final Map<MessageId, Envelope> envelopes = new ConcurrentHashMap<>();
  private final Map<MessageId, List<Settlement>> presettled = new ConcurrentHashMap<>();
  public final AtomicInteger aborted = new AtomicInteger();
  public volatile SpoolHealth health = new SpoolHealth(SpoolHealth.State.OK, 0, Long.MAX_VALUE);
  public volatile boolean failCommits;
  public volatile boolean failBegin;

  public FileTestSpool(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  @Override
  public SpoolHealth health() {
    return health;
  }

  @Override
  public MessageWriter begin(MessageId id) {
    if (failBegin) {
      throw new SpoolException.Unavailable("test: begin fails", null);
    }
    Path file = dir.resolve(id + ".eml");
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new SpoolException.Unavailable("cannot create body file", e);
    }
    return new MessageWriter() {
      long size;
      boolean done;

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
        if (!envelope.id().equals(id)) {
          throw new IllegalArgumentException("envelope id does not match");
        }
        if (failCommits) {
          return CompletableFuture.failedFuture(new SpoolException.Unavailable("test: disk full", null));
        }
        return CompletableFuture.runAsync(() -> {
          try {
            ch.force(true);
            ch.close();
            done = true;
            presettled.put(id, List.copyOf(settled));
            envelopes.put(id, envelope);
          } catch (IOException e) {
            throw new SpoolException.Unavailable("fsync failed", e);
          }
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
    };
  }

  /** Committed envelopes. */
  public Map<MessageId, Envelope> committed() {
    return Map.copyOf(envelopes);
  }

  public List<Settlement> presettled(MessageId id) {
    return presettled.getOrDefault(id, List.of());
  }

  public byte[] bodyBytes(MessageId id) throws IOException {
    return Files.readAllBytes(dir.resolve(id + ".eml"));
  }

  /** Body files present on disk (committed or still being written). */
  public long filesOnDisk() throws IOException {
    try (var s = Files.list(dir)) {
      return s.count();
    }
  }

  @Override
  public Optional<Envelope> envelope(MessageId id) {
    return Optional.ofNullable(envelopes.get(id));
  }

  @Override
  public Optional<BodySource> body(MessageId id) {
    if (!envelopes.containsKey(id)) {
      return Optional.empty();
    }
    Path file = dir.resolve(id + ".eml");
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
    return List.of();
  }

  @Override
  public CompletionStage<Void> settle(List<Settlement> settlements) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public SpoolStats stats() {
    return new SpoolStats(envelopes.size(), 0, 0, 0, 0, 0);
  }

  @Override
  public void close() {
    syncer.shutdownNow();
  }
}
