package org.mailward.delivery.tls;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.mailward.delivery.tls.DaneResolver.Dnssec;
import org.mailward.delivery.tls.DaneResolver.Lookup;
import org.xbill.DNS.Type;

/**
 * When DANE applies (RFC 7672 2.2), in two steps. For a destination: its MX
 * RRset, or, for an implicit MX or a route to a named host, that host's address
 * records, must validate as DNSSEC-secure; an insecure answer (unsigned zone)
 * means no DANE and the ordinary level applies; a bogus answer or a lookup error
 * defers (never a downgrade); an indeterminate answer (the resolver cannot prove
 * anything: no DNSSEC support upstream, trust anchor unreachable) is read as
 * "not applicable" and reported, so that a relay behind a non-validating
 * resolver keeps delivering. For each MX host of a secure destination: its
 * address records must be secure too, and then its TLSA records decide.
 * Performs lookups only; what a {@link Lookup} means for a level is
 * {@link Requirement}'s business.
 */
public final class DaneApplicability {
  private final DaneResolver resolver;

  public DaneApplicability(DaneResolver resolver) {
    this.resolver = resolver;
  }

  /** What the destination's own DNS says about DANE. */
  public sealed interface Destination {
    /** The MX RRset (or the single host's address records, {@code viaMx} false) is secure: TLSA decides per host. */
    record Secure(boolean viaMx) implements Destination {}

    /** DANE does not apply; {@code indeterminate} when that is because nothing could be proven. */
    record NotApplicable(String why, boolean indeterminate) implements Destination {}

    /** Bogus or failed lookup: every host defers. */
    record Failed(String why) implements Destination {}
  }

  /**
   * @param mxOwner the name whose MX RRset gave the hosts; empty for an implicit MX or a route to a host
   * @param host the first host (the only one when {@code mxOwner} is empty)
   */
  public CompletionStage<Destination> destination(Optional<String> mxOwner, String host) {
    if (mxOwner.isEmpty() && literal(host)) {
      return CompletableFuture.completedFuture(new Destination.NotApplicable("ip-literal", false));
    }
    String what = mxOwner.isPresent() ? "mx" : "host";
    return resolver.security(mxOwner.orElse(host), mxOwner.isPresent() ? Type.MX : Type.A).thenApply(s -> switch (s) {
      case SECURE -> new Destination.Secure(mxOwner.isPresent());
      case INSECURE -> new Destination.NotApplicable(what + "-insecure", false);
      case INDETERMINATE -> new Destination.NotApplicable(what + "-dnssec-indeterminate", true);
      case FAILED -> new Destination.Failed(what + "-dnssec-bogus-or-failed");
    });
  }

  /** The TLSA verdict for one host of {@code destination}. */
  public CompletionStage<Lookup> host(Destination destination, String host, int port) {
    if (literal(host)) {
      return CompletableFuture.completedFuture(new Lookup.None("ip-literal"));
    }
    if (destination instanceof Destination.NotApplicable n) {
      return CompletableFuture.completedFuture(new Lookup.None(n.why()));
    }
    if (destination instanceof Destination.Failed f) {
      return CompletableFuture.completedFuture(new Lookup.Indeterminate(f.why()));
    }
    if (!((Destination.Secure) destination).viaMx()) {
      return resolver.tlsa(host, port);
    }
    return resolver.security(host, Type.A).thenCompose(s -> s == Dnssec.SECURE ? resolver.tlsa(host, port)
        : CompletableFuture.completedFuture(s == Dnssec.FAILED ? new Lookup.Indeterminate("host-dnssec-bogus-or-failed")
            : new Lookup.None("host-insecure")));
  }

  static boolean literal(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }
}
