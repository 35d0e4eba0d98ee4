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

  private MetricNames() {}
}
