package org.mailward.delivery.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteOverrideTest {
  @Test
  void bracketedHost_skipsTheMxLookup_andKeepsThePort() {
    RouteOverride r = RouteOverride.parse("[127.0.0.2]:2525");
    assertThat(r.host()).isEqualTo("127.0.0.2");
    assertThat(r.port()).isEqualTo(2525);
    assertThat(r.mxLookup()).isFalse();
    assertThat(r.isLiteral()).isTrue();
  }

  @Test
  void bareHost_looksUpMx_onPort25ByDefault() {
    RouteOverride r = RouteOverride.parse("Relay.Example.ORG");
    assertThat(r.host()).isEqualTo("relay.example.org");
    assertThat(r.port()).isEqualTo(25);
    assertThat(r.mxLookup()).isTrue();
    assertThat(RouteOverride.parse("[mx.example.org]").mxLookup()).isFalse();
  }

  @Test
  void badRoutes_areRejectedWithTheRouteInTheMessage() {
    assertThatThrownBy(() -> RouteOverride.parse("[127.0.0.2:25")).hasMessageContaining("[127.0.0.2:25");
    assertThatThrownBy(() -> RouteOverride.parse("host:notaport")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> RouteOverride.parse("host:70000")).hasMessageContaining("out of range");
  }
}
