package org.mailward.app;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailward.api.AuditRecord;

/** Reads a relay's audit journal in tests; appends are asynchronous, so readers wait (bounded) for what they expect. */
final class Audits {
  private Audits() {}

  /** All records once one of type {@code type} is there, or after 5 s, whichever comes first. */
  static List<AuditRecord> awaitType(Relay relay, String type) throws InterruptedException {
    List<AuditRecord> audit = List.of();
    for (int i = 0; i < 100; i++) {
      audit = relay.storage().audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(), 10_000);
      if (audit.stream().anyMatch(r -> r.event().type().equals(type))) {
        return audit;
      }
      Thread.sleep(50);
    }
    return audit;
  }
}
