package org.mailward.api;

/**
 * An event as stored: its position in the journal and the chain
 * ({@code hash = HMAC-SHA-256(auditKey, previousHash || canonical(event))} in the
 * queue module: keyed, so a rewrite without the key does not verify).
 */
public record AuditRecord(long sequence, AuditEvent event, byte[] previousHash, byte[] hash) {}
