package org.mailward.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuditRecord;
import org.mailward.api.MessageId;

/** Keeps audit events in a list, for assertions in any module. No hash chain, no query. */
public final class MemoryAuditJournal implements AuditJournal {
  private final List<AuditEvent> events = new ArrayList<>();

  @Override
  public synchronized void append(AuditEvent event) {
    events.add(event);
  }

  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  public List<AuditEvent> ofType(String type) {
    return events().stream().filter(e -> e.type().equals(type)).toList();
  }

  @Override
  public List<AuditRecord> query(Instant from, Instant to, Optional<MessageId> messageId, int limit) {
    return List.of();
  }

  @Override
  public Optional<Long> verifyChain() {
    return Optional.empty();
  }
}
