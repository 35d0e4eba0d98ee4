package org.mailward.delivery.route;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;

/**
 * Finds the hosts to deliver a domain's mail to: a configured route override
 * first (transport-map style), else MX records in preference order, the
 * implicit MX (the domain's own A/AAAA) when there are none, and RFC 7505 null
 * MX. Does not connect anywhere and never blocks: every lookup is asynchronous.
 */
public final class Router {
  private final Map<String, RouteOverride> overrides;
  private final DnsClient dns;
  private final boolean ipv6;

  public Router(Map<String, RouteOverride> overrides, DnsClient dns, boolean ipv6) {
    this.overrides = Map.copyOf(overrides);
    this.dns = dns;
    this.ipv6 = ipv6;
  }

  public CompletionStage<Route> resolve(String domain) {
    RouteOverride o = overrides.get(domain);
    if (o != null) {
      if (!o.mxLookup()) {
        return addresses(o.host(), o.port()).thenApply(r -> r.addresses().isEmpty()
            ? new Route.TempFail("route host " + o.host() + " has no address")
            : new Route.Hosts(List.of(new MxHost(o.host(), 0, r.addresses(), true)), Optional.empty()));
      }
      return mx(o.host(), o.port(), true);
    }
    return mx(domain, 25, false);
  }

  private CompletionStage<Route> mx(String domain, int port, boolean viaOverride) {
    return dns.query(domain, Type.MX).thenCompose(a -> {
      if (a.nxdomain()) {
        return CompletableFuture.completedFuture(new Route.NoSuchDomain());
      }
      if (!a.ok()) {
        return CompletableFuture.completedFuture(new Route.TempFail("MX lookup failed, rcode " + a.rcode()));
      }
      List<MXRecord> mxs = new ArrayList<>(a.records().stream().map(MXRecord.class::cast).toList());
      if (mxs.size() == 1 && mxs.get(0).getTarget().equals(org.xbill.DNS.Name.root)) {
        return CompletableFuture.completedFuture(new Route.NullMx());
      }
      if (mxs.isEmpty()) {
        // Implicit MX (RFC 5321 5.1): the domain itself.
        return addresses(domain, port).thenApply(r -> r.addresses().isEmpty()
            ? (r.temporary() ? new Route.TempFail("no address for " + domain) : new Route.NoSuchDomain())
            : new Route.Hosts(List.of(new MxHost(domain, 0, r.addresses(), viaOverride)), Optional.empty()));
      }
      java.util.Collections.shuffle(mxs); // equal preferences are tried in random order
      mxs.sort(Comparator.comparingInt(MXRecord::getPriority));
      List<CompletableFuture<MxHost>> hosts = new ArrayList<>();
      List<CompletableFuture<Boolean>> temp = new ArrayList<>();
      for (MXRecord mx : mxs) {
        if (mx.getTarget().equals(org.xbill.DNS.Name.root)) {
          continue;
        }
        String name = stripDot(mx.getTarget().toString());
        CompletableFuture<Resolved> r = addresses(name, port).toCompletableFuture();
        hosts.add(r.thenApply(x -> new MxHost(name, mx.getPriority(), x.addresses(), viaOverride)));
        temp.add(r.thenApply(Resolved::temporary));
      }
      return CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new)).thenApply(v -> {
        List<MxHost> usable = hosts.stream().map(CompletableFuture::join).filter(h -> !h.addresses().isEmpty()).toList();
        if (!usable.isEmpty()) {
          return new Route.Hosts(usable, Optional.of(domain));
        }
        return new Route.TempFail("no MX host of " + domain + " has an address");
      });
    });
  }

  record Resolved(List<InetSocketAddress> addresses, boolean temporary) {}

  private CompletionStage<Resolved> addresses(String host, int port) {
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        return CompletableFuture.completedFuture(new Resolved(List.of(new InetSocketAddress(InetAddress.getByName(host), port)), false));
      } catch (UnknownHostException e) {
        return CompletableFuture.completedFuture(new Resolved(List.of(), false));
      }
    }
    CompletableFuture<DnsClient.Answer> v4 = dns.query(host, Type.A).toCompletableFuture();
    CompletableFuture<DnsClient.Answer> v6 = ipv6 ? dns.query(host, Type.AAAA).toCompletableFuture()
        : CompletableFuture.completedFuture(new DnsClient.Answer(0, List.of()));
    return v4.thenCombine(v6, (a, b) -> {
      List<InetSocketAddress> out = new ArrayList<>();
      a.records().forEach(r -> out.add(new InetSocketAddress(((ARecord) r).getAddress(), port)));
      b.records().forEach(r -> out.add(new InetSocketAddress(((AAAARecord) r).getAddress(), port)));
      boolean temporary = !a.ok() && !a.nxdomain();
      return new Resolved(out, temporary);
    });
  }

  static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1).toLowerCase(java.util.Locale.ROOT)
        : name.toLowerCase(java.util.Locale.ROOT);
  }
}
