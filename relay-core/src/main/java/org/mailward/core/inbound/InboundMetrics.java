package org.mailward.core.inbound;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the inbound server, cheap to bump on the hot path. relay-app may
 * bind them to Micrometer gauges; names are in {@link #snapshot()}. Labels are
 * never addresses.
 */
public final class InboundMetrics {
  final LongAdder connections = new LongAdder();
  final LongAdder connectionsRefused = new LongAdder();
  final LongAdder authFailures = new LongAdder();
  final LongAdder messagesAccepted = new LongAdder();
  final LongAdder messagesRefused = new LongAdder();
  final LongAdder messagesTempFailed = new LongAdder();
  final LongAdder recipientsRefused = new LongAdder();
  final LongAdder bytesAccepted = new LongAdder();
  final LongAdder nullSenderThrottled = new LongAdder();
  final LongAdder authLockouts = new LongAdder();
  final LongAdder auditAppendFailures = new LongAdder();
  final LongAdder auditRefusals = new LongAdder();
  final LongAdder caughtExceptions = new LongAdder();

  /** Current values by metric name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    m.put("mailward_inbound_connections_total", connections.sum());
    m.put("mailward_inbound_connections_refused_total", connectionsRefused.sum());
    m.put("mailward_inbound_auth_failures_total", authFailures.sum());
    m.put("mailward_inbound_messages_accepted_total", messagesAccepted.sum());
    m.put("mailward_inbound_messages_refused_total", messagesRefused.sum());
    m.put("mailward_inbound_messages_tempfailed_total", messagesTempFailed.sum());
    m.put("mailward_inbound_recipients_refused_total", recipientsRefused.sum());
    m.put("mailward_inbound_bytes_accepted_total", bytesAccepted.sum());
    m.put("mailward_inbound_null_sender_throttled_total", nullSenderThrottled.sum());
    m.put("mailward_inbound_auth_lockouts_total", authLockouts.sum());
    m.put("mailward_audit_append_failures_total", auditAppendFailures.sum());
    m.put("mailward_inbound_audit_refusals_total", auditRefusals.sum());
    m.put("mailward_inbound_caught_exceptions_total", caughtExceptions.sum());
    return m;
  }
}
