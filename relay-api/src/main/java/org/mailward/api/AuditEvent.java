package org.mailward.api;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One fact for the audit journal. {@code facts} are short, bounded strings (rule
 * names, reply codes, TLS versions, counts, keyed hashes); never an address, a
 * subject or body text.
 *
 * @param type dotted event type, e.g. {@code message.accepted}, {@code recipient.refused},
 *     {@code delivery.attempt}, {@code message.finished}
 */
public record AuditEvent(Instant at, String type, Optional<MessageId> messageId, Optional<TenantId> tenant, Map<String, String> facts) {
  public AuditEvent {
    facts = java.util.Collections.unmodifiableMap(new TreeMap<>(facts));
  }
}
