package org.mailward.app;

import java.time.Clock;
import java.util.Collection;
import org.mailward.admin.consent.ImportJobs;
import org.mailward.admin.controlplane.ChangeCodec;
import org.mailward.admin.controlplane.ConsentApplier;
import org.mailward.admin.controlplane.DestinationPolicyRegistry;
import org.mailward.admin.controlplane.DkimKeyRegistry;
import org.mailward.admin.controlplane.KeyValueControlPlaneLog;
import org.mailward.admin.tenants.TenantRegistry;
import org.mailward.api.ConsentControl;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.KeyValueStore;
import org.mailward.api.Tenant;
import org.mailward.policy.ConsentPolicyEngine;

/**
 * This node's control plane: the local change log on the node's store, the live tenant directory
 * (configured tenants plus the log's, replayed from the first record at every start) and the
 * consent applier (resumed after the last record it applied), and, replayed from the first
 * record like the tenants, the destination TLS policies delivery reads on every attempt and the
 * DKIM keys the API lists. Built before the inbound server and delivery, so the first AUTH and the
 * first attempt already see everything the log holds.
 */
record ControlPlane(KeyValueControlPlaneLog sealedLog, TenantRegistry tenants, ConsentControl consent, ImportJobs importJobs,
    DestinationPolicyRegistry destinationPolicies, DkimKeyRegistry dkimKeys) {

  /** @param codec seals what names a person under the master keyring (docs/spool.md, "Control-plane log at rest") */
  static ControlPlane open(KeyValueStore store, Collection<Tenant> configured, ConsentPolicyEngine policy, ChangeCodec codec,
      Clock clock) {
    KeyValueControlPlaneLog log = new KeyValueControlPlaneLog(store, clock, codec);
    TenantRegistry tenants = new TenantRegistry(configured);
    log.subscribe(0, tenants);
    ConsentControl consent = new PolicyConsentControl(policy, clock);
    ImportJobs jobs = new ImportJobs(clock);
    ConsentApplier applier = new ConsentApplier(consent, store, jobs);
    log.subscribe(applier.appliedVersion(), applier);
    DestinationPolicyRegistry destinations = new DestinationPolicyRegistry();
    log.subscribe(0, destinations);
    DkimKeyRegistry dkimKeys = new DkimKeyRegistry();
    log.subscribe(0, dkimKeys);
    return new ControlPlane(log, tenants, consent, jobs, destinations, dkimKeys);
  }

  ControlPlaneLog log() {
    return sealedLog;
  }
}
