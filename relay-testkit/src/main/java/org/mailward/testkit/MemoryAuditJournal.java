package org.mailward.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditHealth;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;

/**
 * The one in-memory audit journal of every module's tests: keeps events in order for
 * assertions, and for fault tests can refuse appends (as a full disk does), report a
 * given health, or ({@link #writingTo}) also write each event as a line to a file forced
 * to disk before the append returns, so that a real full or failing disk refuses it.
 * No hash chain, no query (the real journal is the queue module's).
 */
public final class MemoryAuditJournal implements AuditJournal, AutoCloseable {
  private final List<AuditEvent> events = new ArrayList<>();
  private final FileChannel file;
  private volatile boolean failAppends;
  private volatile AuditHealth health = AuditHealth.ok();

  public MemoryAuditJournal() {
    this.file = null;
  }

  private MemoryAuditJournal(FileChannel file) {
    this.file = file;
  }

  /** A journal that also appends each event as one line to {@code file} and forces it; an append the disk refuses throws. */
  public static MemoryAuditJournal writingTo(Path file) throws IOException {
    return new MemoryAuditJournal(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  @Override
  public synchronized void append(AuditEvent event) {
    if (failAppends) {
      throw new UncheckedIOException(new IOException("No space left on device"));
    }
    if (file != null) {
      write(event);
    }
    events.add(event);
  }

  private void write(AuditEvent event) {
    ByteBuffer line = ByteBuffer.wrap((event.at() + " " + event.type() + " "
        + event.messageId().map(Object::toString).orElse("-") + " " + event.facts() + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (line.hasRemaining()) {
        file.write(line);
      }
      file.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every event appended, in order. */
  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  public List<AuditEvent> ofType(String type) {
    return events().stream().filter(e -> e.type().equals(type)).toList();
  }

  /** The events about one message, in order. */
  public List<AuditEvent> of(MessageId id) {
    return events().stream().filter(e -> e.messageId().equals(Optional.of(id))).toList();
  }

  /** While true, {@link #append} throws as a journal on a full disk does. */
  public void failAppends(boolean fail) {
    this.failAppends = fail;
  }

  /** What {@link #health()} reports from now on (a journal that reports its own failure). */
  public void reportHealth(AuditHealth health) {
    this.health = health;
  }

  @Override
  public AuditHealth health() {
    return health;
  }

  @Override
  public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
    return List.of();
  }

  @Override
  public Optional<Long> verifyChain() {
    return Optional.empty();
  }

  /** Closes the file of {@link #writingTo}; the events stay readable. */
  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
