package org.mailward.delivery.route;

import java.util.List;
import java.util.Optional;

/** Where mail for a domain goes, as routing found it: hosts in preference order, or why there are none. */
public sealed interface Route {
  /**
   * MX hosts (or the implicit MX, or the configured override) in the order to try.
   *
   * @param mxOwner the name whose MX records gave the hosts (what DANE's applicability is judged on);
   *     empty for an implicit MX or a route to a host
   */
  record Hosts(List<MxHost> hosts, Optional<String> mxOwner) implements Route {
    public Hosts {
      hosts = List.copyOf(hosts);
    }
  }

  /** RFC 7505 null MX: the domain accepts no mail (bounce 5.1.10). */
  record NullMx() implements Route {}

  /** NXDOMAIN or no address at all: bounce 5.1.2. */
  record NoSuchDomain() implements Route {}

  /** SERVFAIL, timeout or no reachable host address: try later (4.4.3). */
  record TempFail(String reason) implements Route {}
}
