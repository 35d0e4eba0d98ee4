package org.mailward.api;

import java.util.Optional;

/**
 * What an outbound attempt learnt about the connection, for the audit record.
 *
 * @param verification e.g. {@code pkix-ok}, {@code dane-ee-match}, {@code unverified}, or why it failed
 * @param policySource which source set the required level: {@code tenant}, {@code requiretls}, {@code policy},
 *     {@code mta-sts}, {@code dane}
 */
public record TlsFacts(
    String mxHost,
    Optional<String> tlsVersion,
    Optional<String> cipher,
    boolean verified,
    String verification,
    SecurityLevel level,
    String policySource) {}
