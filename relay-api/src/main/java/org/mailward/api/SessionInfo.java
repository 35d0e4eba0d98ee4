package org.mailward.api;

import java.util.Optional;

/**
 * What policy may know about the inbound session a transaction belongs to.
 *
 * @param clientIp the peer address as text (never logged together with a recipient)
 * @param tlsProtocol e.g. {@code TLSv1.3}; empty before STARTTLS
 */
public record SessionInfo(
    String sessionId,
    String clientIp,
    String heloName,
    Tenant tenant,
    Optional<String> tlsProtocol,
    Optional<String> tlsCipher) {}
