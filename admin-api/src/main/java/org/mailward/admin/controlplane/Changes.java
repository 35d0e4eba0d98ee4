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
    long version = log.append(new ControlPlaneLog.Entry.Actor("token:" + caller.tokenId()), change);
    log.awaitApplied(version);
    audit.append(new AuditEvent(clock.instant(), "admin.change", Optional.empty(), Optional.of(change.tenant()),
        Map.of("actor", "token:" + caller.tokenId(), "change", ChangeCodec.type(change), "version", Long.toString(version),
            "role", caller.role().label())));
    return version;
  }

  public ControlPlaneLog log() {
    return log;
  }
}
