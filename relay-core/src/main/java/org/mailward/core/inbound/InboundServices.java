package org.mailward.core.inbound;

import java.time.Clock;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Redactor;
import org.mailward.api.Spool;
import org.mailward.core.auth.Authenticator;
import org.mailward.core.smtp.SmtpProtocol;

/** What every session of one server shares: configuration and collaborators. Immutable holder. */
record InboundServices(
    InboundConfig config,
    SmtpProtocol protocol,
    Authenticator authenticator,
    PolicyEngine policy,
    Spool spool,
    AuditGuard audit,
    Redactor redactor,
    Clock clock,
    ConnectionLimiter connections,
    TenantRateLimiter rates,
    TenantRateLimiter nullSenders,
    MessageAcceptance acceptance,
    ServerTls tls,
    InboundMetrics metrics,
    CaughtFailures failures) {}
