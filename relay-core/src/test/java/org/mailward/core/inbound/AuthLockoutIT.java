package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailward.api.AuthLockouts.Lockout;
import org.mailward.api.AuthLockouts.Scope;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.SmtpTestClient;

/**
 * AUTH throttling as an attacker meets it, with clients bound to distinct loopback addresses:
 * a stranger on 127.0.0.2 who knows a tenant's user name cannot lock that tenant out of its own
 * server on 127.0.0.1; a sprayer of many user names from 127.0.0.3 is stopped; operators see and
 * clear the lock-outs (user names only as keyed tokens). The fixture allows 3 failures per
 * (user, address) and 20 per address within 5 minutes.
 */
class AuthLockoutIT {
  InboundFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new InboundFixture();
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  private SmtpTestClient.Reply login(String from, String user, String password) throws Exception {
    try (SmtpTestClient c = fx.securedFrom(from)) {
      return c.send("AUTH PLAIN " + SmtpTestClient.plain(user, password)).read();
    }
  }

  @Test
  void aStrangersFailedLoginsFromAnotherAddress_neverStopTheTenantSendingFromItsOwn() throws Exception {
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2; i++) {
        int code = login("127.0.0.2", "apikey", "guess-" + round + "-" + i).code();
        assertThat(code).isIn(535, 454);
      }
      try (SmtpTestClient tenant = fx.securedFrom("127.0.0.1")) {
        tenant.send("AUTH PLAIN " + SmtpTestClient.plain("apikey", InboundFixture.PASSWORD)).expect(235);
        assertThat(tenant.sendMessage("news@clinic.test", List.of("patient@example.test"), "Subject: reminder\r\n\r\nhello\r\n")
            .text()).startsWith("250 2.0.0 Ok: queued as");
      }
    }
    // The stranger, even with the right password now, stays locked out at 127.0.0.2.
    assertThat(login("127.0.0.2", "apikey", InboundFixture.PASSWORD).text()).startsWith("454 4.7.0 Too many authentication failures");
    String token = fx.redactor.token("smtp-user:apikey");
    assertThat(fx.server.authLockouts().list()).singleElement().satisfies(l -> {
      assertThat(l.scope()).isEqualTo(Scope.USER_AT_CLIENT_ADDRESS);
      assertThat(l.clientAddress()).isEqualTo("127.0.0.2");
      assertThat(l.userToken()).contains(token);
      assertThat(l.toString()).doesNotContain("apikey");
    });
    assertThat(fx.server.metrics().snapshot()).containsEntry("mailward_inbound_auth_lockouts_total", 1L);
  }

  @Test
  void sprayingManyUserNamesFromOneAddress_isStopped_untilAnOperatorClearsIt() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(login("127.0.0.3", "user" + i, "Winter2026!").code()).isEqualTo(535);
    }
    assertThat(login("127.0.0.3", "limited", InboundFixture.PASSWORD).text()).startsWith("454 4.7.0");
    assertThat(login("127.0.0.1", "limited", InboundFixture.PASSWORD).code()).isEqualTo(235);
    List<Lockout> locked = fx.server.authLockouts().list();
    assertThat(locked).extracting(Lockout::scope, Lockout::clientAddress, Lockout::userToken)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Scope.CLIENT_ADDRESS, "127.0.0.3", Optional.empty()));
    assertThat(fx.server.authLockouts().clear("127.0.0.3")).isEqualTo(1);
    assertThat(login("127.0.0.3", "limited", InboundFixture.PASSWORD).code()).isEqualTo(235);
  }
}
