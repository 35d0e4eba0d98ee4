package org.mailward.api;

/**
 * An event as stored: its position in the journal and the hash chain
 * ({@code hash = SHA-256(previousHash || canonical(event))}).
 */
public record AuditRecord(long sequence, AuditEvent event, byte[] previousHash, byte[] hash) {}
