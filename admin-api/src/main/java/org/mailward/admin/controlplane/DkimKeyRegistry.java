package org.mailward.admin.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.ChangeRecord.DkimKeyAdded;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.TenantId;

/**
 * The DKIM keys the control-plane log holds, per tenant, oldest first (the newest is the one that
 * signs): public keys, selectors and domains only — the private keys stay in their files. Rebuilt
 * by replaying the log at every start. For listing keys and their DNS records; signing is
 * relay-app's business (its applier installs the signer).
 */
public final class DkimKeyRegistry implements ControlPlaneLog.Subscriber {
  private final Map<TenantId, List<DkimKeyAdded>> byTenant = new ConcurrentHashMap<>();

  @Override
  public void apply(ControlPlaneLog.Entry entry) {
    if (entry.change() instanceof DkimKeyAdded k) {
      byTenant.compute(k.tenant(), (t, old) -> {
        List<DkimKeyAdded> next = old == null ? new ArrayList<>() : new ArrayList<>(old);
        next.removeIf(x -> x.domain().equals(k.domain()) && x.selector().equals(k.selector()));
        next.add(k);
        return List.copyOf(next);
      });
    }
  }

  /** The tenant's keys, oldest first; the last one signs. */
  public List<DkimKeyAdded> keys(TenantId tenant) {
    return byTenant.getOrDefault(tenant, List.of());
  }
}
