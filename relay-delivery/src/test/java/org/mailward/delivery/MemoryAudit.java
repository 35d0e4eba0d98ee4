package org.mailward.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;

/** An in-memory audit journal for tests: keeps events in order; no hash chain. */
public final class MemoryAudit implements AuditJournal {
  public final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void append(AuditEvent event) {
    events.add(event);
  }

  @Override
  public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
    return List.of();
  }

  @Override
  public Optional<Long> verifyChain() {
    return Optional.empty();
  }

  public List<AuditEvent> of(MessageId id) {
    return events.stream().filter(e -> e.messageId().equals(Optional.of(id))).toList();
  }
}
