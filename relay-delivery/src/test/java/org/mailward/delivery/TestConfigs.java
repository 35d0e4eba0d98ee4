package org.mailward.delivery;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.mailward.delivery.route.RouteOverride;

/** Delivery configurations for tests: short timers, loopback only, MTA-STS and DANE off unless a test turns them on. */
public final class TestConfigs {
  private TestConfigs() {}

  public static DeliveryConfig base(Path caPem, Map<String, String> routes, int dnsPort) {
    DeliveryConfig d = DeliveryConfig.defaults();
    Map<String, RouteOverride> r = new java.util.HashMap<>();
    routes.forEach((k, v) -> r.put(k, RouteOverride.parse(v)));
    return d.withRoutes(r)
        .withDns(new DeliveryConfig.Dns(new InetSocketAddress("127.0.0.1", dnsPort), Duration.ofSeconds(2), Duration.ofHours(1), false))
        .withSmtp(new DeliveryConfig.Smtp("mailward.test", Optional.empty(), 100, 100, Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(2)))
        .withLimits(new DeliveryConfig.Limits(1000, 100, 8, 4, 4, 0, Duration.ofMillis(50)))
        .withRetry(new DeliveryConfig.Retry(Duration.ofMillis(300), Duration.ofSeconds(2), 0.0, Duration.ofDays(5), Duration.ofDays(1),
            Duration.ofMillis(200)))
        .withTls(new DeliveryConfig.Tls(Optional.of(caPem)))
        .withMtaSts(new DeliveryConfig.MtaSts(false, 443, Duration.ofSeconds(3), Duration.ofDays(1)))
        .withDane(new DeliveryConfig.Dane(false, Optional.empty(), Optional.empty()));
  }
}
