package org.mailward.admin.tenants;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ChangeRecord.CredentialIssued;
import org.mailward.api.ChangeRecord.CredentialRevoked;
import org.mailward.api.ChangeRecord.TenantEnabled;
import org.mailward.api.ChangeRecord.TenantSaved;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Tenant;
import org.mailward.api.TenantDirectory;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live tenant directory: the tenants of the configuration file (read-only here) plus the
 * tenants and credentials the control-plane log built, rebuilt at start by replaying the log
 * from its first record and kept current by applying each new one. The inbound server looks
 * credentials up here, so a credential issued or revoked through the API counts on the next AUTH,
 * without a restart. Each live credential is its own {@link Tenant} value (same id and settings,
 * its own username and hash), which is how several credentials per tenant fit the port.
 *
 * <p>Lookups are one probe of a concurrent map; applying a record replaces the maps' entries for
 * one tenant under this object's lock (writes are rare).
 */
public final class TenantRegistry implements TenantDirectory, ControlPlaneLog.Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger(TenantRegistry.class);

  /** A credential as kept: never the password. */
  public record Credential(String id, String username, String passwordHash, Instant issuedAt) {}

  /** A tenant as the API shows it. {@code configured}: from the configuration file, not changeable here. */
  public record TenantState(TenantId id, Set<String> senderDomains, TenantLimits limits, Purpose defaultPurpose,
      SecurityLevel defaultLevel, TlsFallback fallback, boolean enabled, boolean configured, List<Credential> credentials) {
    public TenantState {
      senderDomains = Set.copyOf(senderDomains);
      credentials = List.copyOf(credentials);
    }

    TenantState with(List<Credential> creds, boolean on) {
      return new TenantState(id, senderDomains, limits, defaultPurpose, defaultLevel, fallback, on, configured, creds);
    }
  }

  private final Map<TenantId, TenantState> byId = new ConcurrentHashMap<>();
  private final Map<String, Tenant> byUsername = new ConcurrentHashMap<>();

  public TenantRegistry(Collection<Tenant> configured) {
    for (Tenant t : configured) {
      TenantState s = new TenantState(t.id(), t.senderDomains(), t.limits(), t.defaultPurpose(), t.defaultLevel(), t.fallback(),
          true, true, List.of(new Credential("config", t.smtpUsername(), t.passwordHash(), Instant.EPOCH)));
      byId.put(t.id(), s);
      byUsername.put(t.smtpUsername(), t);
    }
  }

  /**
   * Replaces the tenants that come from the configuration file (a SIGHUP reload): new ones are
   * added, changed ones take their new settings and credential, removed ones are gone. Tenants
   * made through the control plane are untouched. Returns how many configured tenants there are now.
   */
  public synchronized int reloadConfigured(Collection<Tenant> configured) {
    Map<TenantId, Tenant> next = new java.util.HashMap<>();
    configured.forEach(t -> next.put(t.id(), t));
    for (TenantState s : List.copyOf(byId.values())) {
      if (s.configured() && !next.containsKey(s.id())) {
        s.credentials().forEach(c -> byUsername.remove(c.username()));
        byId.remove(s.id());
      }
    }
    for (Tenant t : configured) {
      TenantState previous = byId.get(t.id());
      if (previous != null && !previous.configured()) {
        LOG.warn("configured tenant {} is also a control-plane tenant: the configuration's is ignored", t.id());
        continue;
      }
      if (previous != null) {
        previous.credentials().forEach(c -> byUsername.remove(c.username()));
      }
      byId.put(t.id(), new TenantState(t.id(), t.senderDomains(), t.limits(), t.defaultPurpose(), t.defaultLevel(), t.fallback(),
          true, true, List.of(new Credential("config", t.smtpUsername(), t.passwordHash(), Instant.EPOCH))));
      byUsername.put(t.smtpUsername(), t);
    }
    return next.size();
  }

  @Override
  public Optional<Tenant> byUsername(String smtpUsername) {
    return Optional.ofNullable(byUsername.get(smtpUsername));
  }

  @Override
  public Optional<Tenant> byId(TenantId id) {
    TenantState s = byId.get(id);
    if (s == null || !s.enabled() || s.credentials().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(tenant(s, s.credentials().get(0)));
  }

  public Optional<TenantState> state(TenantId id) {
    return Optional.ofNullable(byId.get(id));
  }

  public List<TenantState> all() {
    List<TenantState> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(s -> s.id().value()));
    return out;
  }

  /** Whether a username is taken by any credential, live or of a disabled tenant. */
  public boolean usernameTaken(String username) {
    return byId.values().stream().flatMap(s -> s.credentials().stream()).anyMatch(c -> c.username().equals(username));
  }

  @Override
  public synchronized void apply(ControlPlaneLog.Entry entry) {
    if (!(entry.change() instanceof ChangeRecord.TenantChange change)) {
      return; // node-wide records (destination TLS policy) are not this directory's business
    }
    TenantState current = byId.get(change.tenant());
    if (current != null && current.configured()) {
      if (change instanceof TenantSaved || change instanceof TenantEnabled || change instanceof CredentialIssued
          || change instanceof CredentialRevoked) {
        LOG.warn("control-plane record {} names configured tenant {}: ignored", entry.version(), change.tenant());
      }
      return;
    }
    if (change instanceof TenantSaved t) {
      List<Credential> creds = current == null ? List.of() : current.credentials();
      boolean enabled = current == null || current.enabled();
      put(new TenantState(t.tenant(), t.senderDomains(), t.limits(), t.defaultPurpose(), t.defaultLevel(), t.fallback(), enabled,
          false, creds), current);
    } else if (current == null) {
      return; // consent records and the like are not this directory's business
    } else if (change instanceof TenantEnabled t) {
      put(current.with(current.credentials(), t.enabled()), current);
    } else if (change instanceof CredentialIssued c) {
      if (byUsername.containsKey(c.username()) || usernameTaken(c.username())) {
        LOG.warn("control-plane record {}: username already in use; credential {} ignored", entry.version(), c.credentialId());
        return;
      }
      List<Credential> creds = new ArrayList<>(current.credentials());
      creds.add(new Credential(c.credentialId(), c.username(), c.passwordHash(), c.issuedAt()));
      put(current.with(creds, current.enabled()), current);
    } else if (change instanceof CredentialRevoked c) {
      List<Credential> creds = new ArrayList<>(current.credentials());
      creds.removeIf(x -> x.id().equals(c.credentialId()));
      put(current.with(creds, current.enabled()), current);
    }
  }

  private void put(TenantState next, TenantState previous) {
    if (previous != null) {
      previous.credentials().forEach(c -> byUsername.remove(c.username()));
    }
    byId.put(next.id(), next);
    if (next.enabled()) {
      next.credentials().forEach(c -> byUsername.put(c.username(), tenant(next, c)));
    }
  }

  private static Tenant tenant(TenantState s, Credential c) {
    return new Tenant(s.id(), c.username(), c.passwordHash(), s.senderDomains(), s.limits(), s.defaultPurpose(),
        s.defaultLevel(), s.fallback());
  }
}
