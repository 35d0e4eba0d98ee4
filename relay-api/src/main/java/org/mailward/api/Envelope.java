package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the spool keeps about a message besides its body: the SMTP envelope
 * and what policy decided for it. Immutable; recipients are addressed by their
 * index in {@link #recipients()} (see {@link RecipientRef}).
 *
 * @param reversePath empty for the null sender {@code <>}
 * @param requiredLevel the strictest level any source asked for (tenant, REQUIRETLS, policy)
 * @param headerEdits applied at delivery time, in order
 * @param dkimSign whether Mailward must DKIM-sign the message on its way out
 * @param sessionId the inbound session, for the audit trail
 */
public record Envelope(
    MessageId id,
    TenantId tenant,
    Optional<EmailAddress> reversePath,
    MailParameters parameters,
    List<Recipient> recipients,
    Purpose purpose,
    SecurityLevel requiredLevel,
    TlsFallback fallback,
    List<HeaderEdit> headerEdits,
    boolean dkimSign,
    Instant receivedAt,
    String sessionId) {

  public Envelope {
    recipients = List.copyOf(recipients);
    headerEdits = List.copyOf(headerEdits);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
  }

  public RecipientRef ref(int index) {
    if (index < 0 || index >= recipients.size()) {
      throw new IndexOutOfBoundsException(index);
    }
    return new RecipientRef(id, index);
  }
}
