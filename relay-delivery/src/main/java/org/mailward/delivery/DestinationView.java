package org.mailward.delivery;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.mailward.api.Destinations;
import org.mailward.delivery.route.MxHost;
import org.mailward.delivery.route.Route;
import org.mailward.delivery.route.RouteOverride;
import org.mailward.delivery.route.Router;
import org.mailward.delivery.schedule.Scheduler;
import org.mailward.delivery.smtp.LastOutcomes;
import org.mailward.delivery.tls.DaneApplicability;
import org.mailward.delivery.tls.DaneResolver;
import org.mailward.delivery.tls.MtaSts;
import org.mailward.delivery.tls.MtaStsPolicy;
import org.mailward.delivery.tls.PeerVerifier;

/**
 * The {@link Destinations} port: what delivery believes about a destination, assembled from the
 * same parts an attempt uses — the router (route and MX hosts, through the resolver's cache), the
 * MTA-STS cache (read only: the view never fetches a policy), DANE applicability and TLSA of the
 * first MX host, the scheduler's gate, and the last outcome the agent recorded. Sends no mail and
 * opens no SMTP connection; DNS look-ups are asynchronous.
 */
public final class DestinationView implements Destinations {
  private final Router router;
  private final Map<String, RouteOverride> overrides;
  private final Optional<MtaSts> mtaSts;
  private final Optional<DaneApplicability> dane;
  private final Scheduler scheduler;
  private final LastOutcomes last;

  DestinationView(Router router, Map<String, RouteOverride> overrides, Optional<MtaSts> mtaSts, Optional<DaneApplicability> dane,
      Scheduler scheduler, LastOutcomes last) {
    this.router = router;
    this.overrides = Map.copyOf(overrides);
    this.mtaSts = mtaSts;
    this.dane = dane;
    this.scheduler = scheduler;
    this.last = last;
  }

  @Override
  public CompletionStage<View> describe(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    Optional<Destinations.StsPolicy> sts = mtaSts.flatMap(m -> m.cached(d)).map(DestinationView::sts);
    return router.resolve(d).exceptionally(e -> new Route.TempFail("resolver failed"))
        .thenCompose(route -> dane(route).thenCombine(scheduler.throttle(d), (daneState, throttle) ->
            new View(d, routeName(d, route), hosts(route), sts, daneState, throttle, last.of(d))));
  }

  private String routeName(String domain, Route route) {
    if (route instanceof Route.NullMx) {
      return "null-mx";
    } else if (route instanceof Route.NoSuchDomain) {
      return "nxdomain";
    } else if (route instanceof Route.TempFail f) {
      return "tempfail: " + f.reason();
    }
    RouteOverride o = overrides.get(domain);
    if (o != null) {
      return "override " + o;
    }
    return ((Route.Hosts) route).mxOwner().isPresent() ? "mx" : "implicit-mx";
  }

  private static List<Host> hosts(Route route) {
    if (!(route instanceof Route.Hosts h)) {
      return List.of();
    }
    return h.hosts().stream().map(DestinationView::host).toList();
  }

  private static Host host(MxHost m) {
    return new Host(m.name(), m.preference(), m.addresses().stream().map(DestinationView::address).toList());
  }

  private static String address(InetSocketAddress a) {
    String ip = a.getAddress().getHostAddress();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }

  private static Destinations.StsPolicy sts(MtaStsPolicy p) {
    return new Destinations.StsPolicy(p.mode().name().toLowerCase(Locale.ROOT), p.maxAgeSeconds(), p.mxPatterns(), p.id(),
        p.expires());
  }

  /** DANE as an attempt would judge the first MX host. */
  private CompletionStage<Dane> dane(Route route) {
    if (!(route instanceof Route.Hosts h) || h.hosts().isEmpty()) {
      return CompletableFuture.completedFuture(new Dane(dane.isPresent() ? DaneState.NONE : DaneState.OFF, "none", "no-hosts"));
    }
    MxHost first = h.hosts().get(0);
    if (dane.isEmpty()) {
      return CompletableFuture.completedFuture(new Dane(DaneState.OFF, first.name(), "dane-off"));
    }
    int port = first.addresses().get(0).getPort();
    return dane.get().destination(h.mxOwner(), first.name()).thenCompose(scope -> {
      if (scope instanceof DaneApplicability.Destination.NotApplicable n) {
        return CompletableFuture.completedFuture(new Dane(n.indeterminate() ? DaneState.INDETERMINATE : DaneState.NONE,
            first.name(), n.why()));
      }
      return dane.get().host(scope, first.name(), port).thenApply(lookup -> {
        if (lookup instanceof DaneResolver.Lookup.Secure s) {
          return PeerVerifier.anyUsable(s.records()) ? new Dane(DaneState.USABLE, first.name(), s.records().size() + " tlsa")
              : new Dane(DaneState.PRESENT_UNUSABLE, first.name(), s.records().size() + " tlsa, none usable");
        } else if (lookup instanceof DaneResolver.Lookup.Indeterminate i) {
          return new Dane(DaneState.INDETERMINATE, first.name(), i.why());
        }
        return new Dane(DaneState.NONE, first.name(), ((DaneResolver.Lookup.None) lookup).why());
      });
    }).exceptionally(e -> new Dane(DaneState.INDETERMINATE, first.name(), "lookup-failed"));
  }
}
