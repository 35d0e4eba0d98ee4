// Every metric relay-app registers, by its Micrometer name. The Prometheus
// registry exports dots as underscores and adds _total to counters and _seconds
// to timers; docs/metrics.md lists the exported names and a test keeps both in step.
package org.mailward.app.metrics;

/** relay-app's metric names (the inbound server's live in relay-core's InboundMetrics). */
public final class MetricNames {
  /** Counter, one per settled recipient: outcome, tenant, destination group, tls_version, tls_verified. */
  public static final String DELIVERY_RECIPIENTS = "mailward.delivery.recipients";
  /** Counter of deferred recipients: reason, status (enhanced code or none), tenant, destination. */
  public static final String DELIVERY_DEFERRALS = "mailward.delivery.deferrals";
  /** Counter of bounced recipients: reason, status, tenant, destination. */
  public static final String DELIVERY_BOUNCES = "mailward.delivery.bounces";
  /** Counter of attempts with TLS facts: policy_source (tenant, requiretls, policy, mta-sts, dane), verification, verified. */
  public static final String DELIVERY_TLS = "mailward.delivery.tls";
  /** Timer: message arrival to a recipient's final outcome; outcome, destination. */
  public static final String DELIVERY_LATENCY = "mailward.delivery.latency";
  /** Counter: hard bounces that suppressed their recipient (mailbox-level reply of the receiving server). */
  public static final String HARDBOUNCE_SUPPRESSED = "mailward.hardbounce.suppressed";
  /** Counter: mailbox-level bounces that suppressed nothing because their domain's breaker was open. */
  public static final String HARDBOUNCE_SKIPPED = "mailward.hardbounce.suppression.skipped";
  /** Counter: trips of a domain's hard-bounce breaker. */
  public static final String HARDBOUNCE_BREAKER_TRIPS = "mailward.hardbounce.breaker.trips";
  /** Gauge: recipient domains whose hard-bounce breaker is open. */
  public static final String HARDBOUNCE_BREAKERS_OPEN = "mailward.hardbounce.breakers.open";
  /** Gauge: unfinished recipients by state. */
  public static final String QUEUE_RECIPIENTS = "mailward.queue.recipients";
  /** Gauge: age of the oldest unfinished message by state (needs the spool's QueueControl). */
  public static final String QUEUE_OLDEST_AGE = "mailward.queue.oldest.age.seconds";
  /** Counter: operator bounces through the admin API, by what became of the sender's DSN (dsn: spooled, not-owed, failed). */
  public static final String QUEUE_OPERATOR_BOUNCES = "mailward.queue.operator.bounces";
  /** Timer: one group sync of the spool (journal force + RocksDB sync write). */
  public static final String SPOOL_SYNC = "mailward.spool.sync";
  /** Counter (from DataKeyRewrapper.Stats): result (rewrapped, shredded, failed_pass). */
  public static final String SPOOL_KEY_REWRAP = "mailward.spool.key.rewrap";
  /** Counter: old master keys destroyed after a rotation. */
  public static final String SPOOL_MASTER_KEYS_DESTROYED = "mailward.spool.master.keys.destroyed";
  /** Counter (from SpoolStorage.auditEventsLost): audit events the spool's journal took and could not write or sync. */
  public static final String AUDIT_EVENTS_LOST = "mailward.audit.events.lost";
  /** Counter: policy refusals; stage (rcpt, data, dropped), rule, tenant. */
  public static final String POLICY_REFUSALS = "mailward.policy.refusals";
  /** Gauge: 1 while the spool accepts mail. */
  public static final String SPOOL_ACCEPTING = "mailward.spool.accepting";
  /** Gauge: commits waiting for the group sync. */
  public static final String SPOOL_PENDING_COMMITS = "mailward.spool.pending.commits";
  /** Gauge: free bytes on the spool's file system. */
  public static final String SPOOL_FREE_BYTES = "mailward.spool.free.bytes";
  /** Gauge: 1 for the spool's current health state (label state). */
  public static final String SPOOL_STATE = "mailward.spool.state";
  /** Gauge: 1 while the audit journal records (0: new mail gets 451 4.3.0, delivery pauses). */
  public static final String AUDIT_RECORDING = "mailward.audit.recording";
  /** Gauge: unfinished messages. */
  public static final String SPOOL_MESSAGES = "mailward.spool.messages";

  /** The kind of each metric above, which decides its exported names (docs/metrics.md). */
  public enum Kind { COUNTER, GAUGE, TIMER }

  /** Every metric above with its kind. */
  public static final java.util.Map<String, Kind> ALL = java.util.Map.ofEntries(
      java.util.Map.entry(DELIVERY_RECIPIENTS, Kind.COUNTER), java.util.Map.entry(DELIVERY_DEFERRALS, Kind.COUNTER),
      java.util.Map.entry(DELIVERY_BOUNCES, Kind.COUNTER), java.util.Map.entry(DELIVERY_TLS, Kind.COUNTER),
      java.util.Map.entry(DELIVERY_LATENCY, Kind.TIMER), java.util.Map.entry(QUEUE_RECIPIENTS, Kind.GAUGE),
      java.util.Map.entry(QUEUE_OLDEST_AGE, Kind.GAUGE), java.util.Map.entry(QUEUE_OPERATOR_BOUNCES, Kind.COUNTER),
      java.util.Map.entry(SPOOL_SYNC, Kind.TIMER),
      java.util.Map.entry(POLICY_REFUSALS, Kind.COUNTER), java.util.Map.entry(SPOOL_ACCEPTING, Kind.GAUGE),
      java.util.Map.entry(SPOOL_PENDING_COMMITS, Kind.GAUGE), java.util.Map.entry(SPOOL_FREE_BYTES, Kind.GAUGE),
      java.util.Map.entry(SPOOL_STATE, Kind.GAUGE), java.util.Map.entry(SPOOL_MESSAGES, Kind.GAUGE),
      java.util.Map.entry(SPOOL_KEY_REWRAP, Kind.COUNTER), java.util.Map.entry(SPOOL_MASTER_KEYS_DESTROYED, Kind.COUNTER),
      java.util.Map.entry(AUDIT_RECORDING, Kind.GAUGE), java.util.Map.entry(AUDIT_EVENTS_LOST, Kind.COUNTER),
      java.util.Map.entry(HARDBOUNCE_SUPPRESSED, Kind.COUNTER),
      java.util.Map.entry(HARDBOUNCE_SKIPPED, Kind.COUNTER), java.util.Map.entry(HARDBOUNCE_BREAKER_TRIPS, Kind.COUNTER),
      java.util.Map.entry(HARDBOUNCE_BREAKERS_OPEN, Kind.GAUGE));

  /**
   * The names Prometheus sees for a metric: counters end in {@code _total}; timers export
   * {@code _seconds_bucket/_count/_sum} and a {@code _seconds_max} gauge.
   */
  public static java.util.List<String> exported(String name, Kind kind) {
    String base = name.replace('.', '_');
    return switch (kind) {
      case COUNTER -> java.util.List.of(base + "_total");
      case GAUGE -> java.util.List.of(base);
      case TIMER -> java.util.List.of(base + "_seconds", base + "_seconds_bucket", base + "_seconds_count",
          base + "_seconds_sum", base + "_seconds_max");
    };
  }

  private MetricNames() {}
}
