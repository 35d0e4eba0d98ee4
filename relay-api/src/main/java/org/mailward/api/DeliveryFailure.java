package org.mailward.api;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a delivery attempt did not deliver a recipient: a {@link Kind} from a
 * closed set (what metrics count, log lines show and bounce classification
 * reads) and a short detail naming the specific check or reply (e.g.
 * {@code pkix-name-mismatch}, {@code 5.1.1}). Neither part ever holds an
 * address, a subject or body text.
 *
 * @param kind what went wrong
 * @param detail the specific check or status, in lower-case kebab style; empty when the kind says it all
 */
public record DeliveryFailure(Kind kind, String detail) {
  /** The closed set of reasons. Each names where the failure was seen, so a reader can tell DNS from the receiving server. */
  public enum Kind {
    /** The recipient domain does not exist (DNS NXDOMAIN): Mailward's own 550 5.1.2. */
    DNS_NXDOMAIN,
    /** The domain publishes a null MX (RFC 7505): Mailward's own 556 5.1.10. */
    NULL_MX,
    /** DNS did not answer, or DNSSEC answers could not be validated: retried. */
    DNS_TEMPFAIL,
    /** No MX host may be used (all skipped before connecting, e.g. outside the MTA-STS policy). */
    NO_ROUTE,
    /** TCP connection refused or unreachable, at every address tried. */
    CONNECT_FAILED,
    /** The connection closed or failed in the middle of a transaction. */
    CONNECTION_LOST,
    /** No STARTTLS, STARTTLS refused, or the handshake failed: no TLS at all. */
    TLS_UNAVAILABLE,
    /** TLS worked but the level was not met: certificate not verified, DANE or MTA-STS mismatch. */
    TLS_VERIFY_FAILED,
    /** The message asked for REQUIRETLS and no server could honour it (RFC 8689). */
    REQUIRETLS_UNSUPPORTED,
    /** A 4xx reply from the receiving server. */
    REMOTE_4XX,
    /** A 5xx reply from the receiving server, in an SMTP transaction. */
    REMOTE_5XX,
    /** The message needs an extension the server lacks (SMTPUTF8, 8BITMIME) and is not converted. */
    CONTENT_UNSUPPORTED,
    /** The spooled message could not be read or prepared (decryption, journal, DKIM signing). */
    BODY_READ_FAILED,
    /** The server did not answer, or the body could not be written, within the configured time. */
    TIMEOUT,
    /** Still undelivered at the end of the queue lifetime. */
    MESSAGE_EXPIRED,
    /** Mailward's own policy kept the message from SMTP (portal level, fallback, portal not wired). */
    POLICY,
    /** The server's replies could not be parsed or came out of turn. */
    PROTOCOL_ERROR,
    /** A fault inside Mailward (a bug or resource failure) ended the attempt. */
    LOCAL_ERROR;

    /** The lower-case label used in logs, audit facts and metric tags: {@code tls-verify-failed}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public DeliveryFailure {
    Objects.requireNonNull(kind, "kind");
    detail = detail == null ? "" : detail;
  }

  public static DeliveryFailure of(Kind kind, String detail) {
    return new DeliveryFailure(kind, detail);
  }

  public static DeliveryFailure of(Kind kind) {
    return new DeliveryFailure(kind, "");
  }

  /** REMOTE_4XX or REMOTE_5XX by the reply's code, with its enhanced status as the detail. */
  public static DeliveryFailure remote(SmtpReply reply) {
    return new DeliveryFailure(reply.isPermanent() ? Kind.REMOTE_5XX : Kind.REMOTE_4XX, reply.status());
  }

  /** {@code kind} or {@code kind:detail}: the stable text form for audit facts and log lines. */
  public String label() {
    return detail.isEmpty() ? kind.label() : kind.label() + ":" + detail;
  }

  @Override
  public String toString() {
    return label();
  }
}
