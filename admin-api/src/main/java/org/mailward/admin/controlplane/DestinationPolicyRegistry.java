package org.mailward.admin.controlplane;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.DestinationTlsPolicies;
import org.mailward.api.DestinationTlsPolicy;

/**
 * The destination TLS policies of the control-plane log, in memory: rebuilt by replaying the log
 * from its first record at every start (like the tenant directory), then kept current as records
 * are appended. Delivery reads it on every attempt through the {@link DestinationTlsPolicies}
 * port, a lock-free map look-up; the admin API reads it to show and list policies. Holds nothing
 * but the log's records, so every node that applies the same log holds the same policies.
 */
public final class DestinationPolicyRegistry implements ControlPlaneLog.Subscriber, DestinationTlsPolicies {
  private final Map<String, DestinationTlsPolicy> byDomain = new ConcurrentHashMap<>();

  @Override
  public void apply(ControlPlaneLog.Entry entry) {
    if (entry.change() instanceof ChangeRecord.DestinationTlsPolicySet s) {
      byDomain.put(s.policy().domain(), s.policy());
    } else if (entry.change() instanceof ChangeRecord.DestinationTlsPolicyCleared c) {
      byDomain.remove(c.domain());
    }
  }

  @Override
  public Optional<DestinationTlsPolicy> policy(String domain) {
    return Optional.ofNullable(byDomain.get(domain));
  }

  /** Every policy in force, by domain. */
  public List<DestinationTlsPolicy> all() {
    return byDomain.values().stream().sorted(Comparator.comparing(DestinationTlsPolicy::domain)).toList();
  }
}
