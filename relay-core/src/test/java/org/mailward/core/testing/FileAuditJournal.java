package org.mailward.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;

/**
 * An audit journal that writes each event as one line to a file and forces it to
 * disk before returning, throwing when the file system refuses (disk full, I/O
 * error): the simplest journal whose failure is a real file-system fault, for
 * tests of what the server does when the audit disk fails. Not the in-memory
 * journal (relay-testkit's MemoryAuditJournal cannot fail); no hash chain, no query.
 */
public final class FileAuditJournal implements AuditJournal {
  private final Path file;
  private final FileChannel channel;

  public FileAuditJournal(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void append(AuditEvent event) {
    byte[] line = (event.at() + " " + event.type() + " " + event.messageId().map(Object::toString).orElse("-") + " "
        + event.facts() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines written so far. */
  public List<String> lines() throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  @Override
  public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
    return List.of();
  }

  @Override
  public Optional<Long> verifyChain() {
    return Optional.empty();
  }

  public void close() throws IOException {
    channel.close();
  }
}
