package org.mailward.api;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Holds a message for pick-up in the secure portal when TLS at the required level
 * cannot be had, and returns what to send instead: a notice without PHI.
 * (Implemented by the portal module in a later wave.)
 */
public interface PortalDrop {
  CompletionStage<Receipt> hold(Envelope envelope, int recipientIndex, BodySource body);

  /** @param noticeBody a complete RFC 5322 message (header and body) with no PHI, to deliver by SMTP */
  record Receipt(String pickupId, Instant expiresAt, BodySource noticeBody) {}
}
