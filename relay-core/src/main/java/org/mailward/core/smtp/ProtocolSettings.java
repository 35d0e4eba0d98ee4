package org.mailward.core.smtp;

/**
 * What the state machine needs to know from configuration.
 *
 * @param hostname the name in the greeting, EHLO reply and Received header
 * @param maxMessageBytes server-wide size limit (a tenant may have a lower one)
 * @param maxRecipients server-wide recipients per message (a tenant may have fewer)
 * @param maxErrors protocol errors tolerated per session before 421 and close
 */
public record ProtocolSettings(String hostname, long maxMessageBytes, int maxRecipients, int maxErrors) {
  public ProtocolSettings {
    if (hostname.isBlank() || maxMessageBytes < 1 || maxRecipients < 1 || maxErrors < 1) {
      throw new IllegalArgumentException("invalid protocol settings");
    }
  }
}
