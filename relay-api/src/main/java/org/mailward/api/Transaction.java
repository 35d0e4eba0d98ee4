package org.mailward.api;

import java.util.Optional;

/**
 * One mail transaction as policy sees it at RCPT time and at end of data.
 *
 * @param reversePath empty for the null sender
 */
public record Transaction(
    SessionInfo session,
    MessageId messageId,
    Optional<EmailAddress> reversePath,
    MailParameters parameters) {}
