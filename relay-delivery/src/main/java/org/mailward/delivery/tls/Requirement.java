package org.mailward.delivery.tls;

import java.util.List;
import java.util.Optional;
import org.mailward.api.DestinationTlsPolicy;
import org.mailward.api.Envelope;
import org.mailward.api.SecurityLevel;
import org.mailward.delivery.smtp.SmtpConnection;

/**
 * The TLS a recipient needs at one MX host, and the two checks that guard the
 * body: {@link #beforeConnect} (can this host ever do?) and {@link #afterTls}
 * (did this session do?). The level is the strictest of the envelope's level
 * (tenant/policy), REQUIRETLS (at least VERIFY, and the server must offer
 * REQUIRETLS) and the destination's own policy: secure TLSA records make DANE
 * authoritative; otherwise MTA-STS {@code enforce} means VERIFY with the MX host
 * matching the policy. {@code TLS-Required: No} (RFC 8689 5) sets the
 * destination's policy aside only for ENCRYPT-level mail without REQUIRETLS;
 * anything policy marked VERIFY or stronger is treated as PHI and never relaxed.
 * An operator's {@link DestinationTlsPolicy} for the domain then raises the level
 * to its floor (source {@code domain-policy}), or, as a documented exception, sets
 * the destination's own policy aside exactly where {@code TLS-Required: No} would.
 * Plaintext is never an option here: the weakest answer is ENCRYPT.
 */
public record Requirement(
    SecurityLevel level,
    String source,
    boolean requireTls,
    Optional<MtaStsPolicy> mtaSts,
    DaneResolver.Lookup dane,
    boolean destinationIgnored) {

  /** Why a host or session cannot carry the body; {@code temporary} failures defer instead of taking the fallback. */
  public record Unmet(String reason, boolean temporary, boolean requireTlsFailure) {}

  public static Requirement of(Envelope env, boolean tlsRequiredNo, Optional<MtaStsPolicy> sts, DaneResolver.Lookup dane) {
    return of(env, tlsRequiredNo, sts, dane, Optional.empty());
  }

  /** @param domainPolicy the operator's TLS policy for the destination domain, if any */
  public static Requirement of(Envelope env, boolean tlsRequiredNo, Optional<MtaStsPolicy> sts, DaneResolver.Lookup dane,
      Optional<DestinationTlsPolicy> domainPolicy) {
    SecurityLevel level = env.requiredLevel();
    String source = level == SecurityLevel.ENCRYPT ? "tenant" : "policy";
    boolean requireTls = env.parameters().requireTls();
    if (requireTls && level.compareTo(SecurityLevel.VERIFY) < 0) {
      level = SecurityLevel.VERIFY;
      source = "requiretls";
    }
    boolean exception = domainPolicy.map(DestinationTlsPolicy::exception).orElse(false);
    boolean ignore = (tlsRequiredNo || exception) && !requireTls && env.requiredLevel() == SecurityLevel.ENCRYPT;
    if (!ignore) {
      if (dane instanceof DaneResolver.Lookup.Secure s && PeerVerifier.anyUsable(s.records())
          && level.compareTo(SecurityLevel.DANE) < 0) {
        level = SecurityLevel.DANE;
        source = "dane";
      } else if (sts.isPresent() && sts.get().mode() == MtaStsPolicy.Mode.ENFORCE && level.compareTo(SecurityLevel.VERIFY) < 0) {
        level = SecurityLevel.VERIFY;
        source = "mta-sts";
      }
    }
    if (domainPolicy.isPresent() && !exception && level.compareTo(domainPolicy.get().level()) < 0) {
      level = domainPolicy.get().level();
      source = "domain-policy";
    }
    return new Requirement(level, source, requireTls, sts, dane, ignore);
  }

  private boolean stsEnforced() {
    return !destinationIgnored && mtaSts.isPresent() && mtaSts.get().mode() == MtaStsPolicy.Mode.ENFORCE;
  }

  private Optional<List<org.xbill.DNS.TLSARecord>> tlsa() {
    return dane instanceof DaneResolver.Lookup.Secure s && PeerVerifier.anyUsable(s.records())
        ? Optional.of(s.records()) : Optional.empty();
  }

  public Optional<Unmet> beforeConnect(String mxHost) {
    if (level == SecurityLevel.PORTAL) {
      return Optional.of(new Unmet("portal-level", false, false));
    }
    if (!destinationIgnored && dane instanceof DaneResolver.Lookup.Indeterminate i) {
      return Optional.of(new Unmet(i.why(), true, false));
    }
    if (stsEnforced() && !mtaSts.get().allows(mxHost)) {
      return Optional.of(new Unmet("mta-sts-mx-mismatch", false, false));
    }
    if (level == SecurityLevel.DANE && tlsa().isEmpty()) {
      return Optional.of(new Unmet("dane-required-no-tlsa", false, false));
    }
    return Optional.empty();
  }

  /** Judges an established session. {@code verifier} is consulted only when the level needs it. */
  public Verification afterTls(SmtpConnection.TlsSession tls, String mxHost, PeerVerifier verifier, boolean offersRequireTls) {
    PeerVerifier.Verdict pkix = literal(mxHost) ? new PeerVerifier.Verdict(false, "pkix-ip-literal")
        : verifier.pkix(tls.chain(), mxHost);
    Optional<PeerVerifier.Verdict> daneVerdict = tlsa().map(r -> verifier.dane(tls.chain(), r, mxHost));
    boolean verified = pkix.ok() || daneVerdict.map(PeerVerifier.Verdict::ok).orElse(false);
    String detail = daneVerdict.isPresent() && (daneVerdict.get().ok() || level == SecurityLevel.DANE)
        ? daneVerdict.get().detail() : pkix.detail();
    Optional<Unmet> unmet = switch (level) {
      case ENCRYPT -> Optional.empty();
      case VERIFY -> verified ? Optional.empty() : Optional.of(new Unmet(detail, false, false));
      case DANE -> daneVerdict.map(PeerVerifier.Verdict::ok).orElse(false) ? Optional.empty()
          : Optional.of(new Unmet(detail, false, false));
      case PORTAL -> Optional.of(new Unmet("portal-level", false, false));
    };
    if (unmet.isEmpty() && stsEnforced() && !pkix.ok() && level != SecurityLevel.DANE) {
      unmet = Optional.of(new Unmet("mta-sts-" + pkix.detail(), false, false));
    }
    if (unmet.isEmpty() && requireTls && !offersRequireTls) {
      unmet = Optional.of(new Unmet("requiretls-not-offered", false, true));
    }
    if (unmet.isPresent() && requireTls && !verified) {
      unmet = Optional.of(new Unmet(unmet.get().reason(), false, true));
    }
    if (!stsEnforced() && mtaSts.isPresent() && mtaSts.get().mode() == MtaStsPolicy.Mode.TESTING && !pkix.ok()) {
      detail = detail + ";mta-sts-testing-would-fail";
    }
    return new Verification(verified, detail, unmet);
  }

  /** @param detail e.g. {@code pkix-ok}, {@code dane-ee-match}, {@code pkix-name-mismatch} */
  public record Verification(boolean verified, String detail, Optional<Unmet> unmet) {}

  private static boolean literal(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }
}
