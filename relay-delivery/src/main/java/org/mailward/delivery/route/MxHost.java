package org.mailward.delivery.route;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One host to try, with its addresses (IPv4 first, then IPv6).
 *
 * @param name the MX host name (the name certificates and TLSA records are checked against);
 *     an IP literal when the route gave one
 * @param viaOverride true when a configured route, not DNS, named this host
 */
public record MxHost(String name, int preference, List<InetSocketAddress> addresses, boolean viaOverride) {
  public MxHost {
    addresses = List.copyOf(addresses);
  }
}
