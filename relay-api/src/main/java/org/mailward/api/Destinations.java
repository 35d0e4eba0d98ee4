package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What delivery currently believes about a destination domain, for operators (the admin API's
 * {@code GET /api/v1/domains/{domain}}): its route and MX hosts (a fresh look-up through delivery's
 * resolver and cache), the MTA-STS policy in delivery's cache (never fetched for this), the DANE
 * state of its first MX host, its throttle and the last attempt's outcome on this node.
 * Read-only; answers asynchronously and never blocks a caller's thread on DNS.
 */
public interface Destinations {

  CompletionStage<View> describe(String domain);

  /**
   * @param route how the hosts were found: {@code mx}, {@code implicit-mx}, {@code override [host]:port},
   *     {@code null-mx}, {@code nxdomain} or {@code tempfail: …}
   */
  record View(String domain, String route, List<Host> hosts, Optional<StsPolicy> mtaSts, Dane dane, Throttle throttle,
      Optional<LastOutcome> lastOutcome) {
    public View {
      hosts = List.copyOf(hosts);
    }
  }

  /** One MX host in preference order, with its addresses as {@code ip:port}. */
  record Host(String name, int preference, List<String> addresses) {
    public Host {
      addresses = List.copyOf(addresses);
    }
  }

  /** The cached RFC 8461 policy: mode {@code enforce}, {@code testing} or {@code none}. */
  record StsPolicy(String mode, long maxAgeSeconds, List<String> mxPatterns, String id, Instant expires) {
    public StsPolicy {
      mxPatterns = List.copyOf(mxPatterns);
    }
  }

  enum DaneState {
    /** DNSSEC-secure TLSA records at least one of which Mailward can use: DANE decides. */
    USABLE,
    /** Secure TLSA records, none usable (unknown usage or matching type): treated as no DANE. */
    PRESENT_UNUSABLE,
    /** No TLSA records, or the zone is not signed. */
    NONE,
    /** DNSSEC could not be established either way (bogus, failed, or an upstream without DNSSEC). */
    INDETERMINATE,
    /** DANE is switched off in this relay's configuration. */
    OFF
  }

  /** @param detail why, e.g. {@code mx-insecure}, {@code host-dnssec-bogus-or-failed} */
  record Dane(DaneState state, String host, String detail) {}

  /**
   * The per-destination gate: {@code pausedUntil} after a 421 or 4.7.x, the connections allowed now
   * (halved on each throttle, grown back up to {@code maxConcurrency}) and the message rate limit (0: none).
   */
  record Throttle(Optional<Instant> pausedUntil, int concurrency, int maxConcurrency, double messagesPerSecond) {}

  /** The last attempt to this domain on this node: {@code delivered}, {@code deferred}, {@code bounced}…, and why. */
  record LastOutcome(Instant at, String result, String reason, String mx) {}
}
