package org.mailward.api;

/**
 * Per-tenant limits enforced by the inbound server.
 *
 * @param messagesPerSecond sustained acceptance rate (token bucket); 0 = unlimited
 */
public record TenantLimits(int maxRecipientsPerMessage, long maxMessageBytes, int maxConnections, double messagesPerSecond) {
  public TenantLimits {
    if (maxRecipientsPerMessage < 1 || maxMessageBytes < 1 || maxConnections < 1 || messagesPerSecond < 0) {
      throw new IllegalArgumentException("tenant limits must be positive");
    }
  }
}
