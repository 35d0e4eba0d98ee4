package org.mailward.admin.controlplane;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.mailward.admin.auth.Principal;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ControlPlaneLog;

/**
 * How every admin write happens: one record appended to the control-plane log (which applies it
 * on this node before returning), then one {@code admin.change} audit event naming the token id,
 * the record type, its log version and the tenant. No address and no secret reaches the audit
 * record.
 */
public final class Changes {
  private final ControlPlaneLog log;
  private final AuditJournal audit;
  private final Clock clock;

  public Changes(ControlPlaneLog log, AuditJournal audit, Clock clock) {
    this.log = log;
    this.audit = audit;
    this.clock = clock;
  }

  public long write(Principal caller, ChangeRecord change) throws InterruptedException {
    return write(caller, change, Map.of());
  }

  /** @param facts more PHI-free audit facts (a destination domain, a DKIM selector) */
  public long write(Principal caller, ChangeRecord change, Map<String, String> facts) throws InterruptedException {
    long version = log.append(new ControlPlaneLog.Entry.Actor("token:" + caller.tokenId()), change);
    log.awaitApplied(version);
    Map<String, String> f = new java.util.HashMap<>(facts);
    f.put("actor", "token:" + caller.tokenId());
    f.put("change", ChangeCodec.type(change));
    f.put("version", Long.toString(version));
    f.put("role", caller.role().label());
    // answered once the record is durable (or known lost): a crash after the answer keeps the record
    audit.appendDurably(new AuditEvent(clock.instant(), "admin.change", Optional.empty(), change.owner(), f)).join();
    return version;
  }

  public ControlPlaneLog log() {
    return log;
  }
}
