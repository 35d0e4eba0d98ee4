package org.mailward.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

  @Test
  void multiLineReply_usesDashOnAllButTheLastLine() {
    SmtpReply r = new SmtpReply(550, "5.7.1", List.of("first", "second"));
    assertThat(r.toWire()).isEqualTo("550-5.7.1 first\r\n550 5.7.1 second\r\n");
    assertThat(r.isPermanent()).isTrue();
  }

  @Test
  void enhancedStatus_mustAgreeWithTheReplyClass() {
    assertThatThrownBy(() -> SmtpReply.of(450, "5.7.1", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SmtpReply.of(250, "2.0", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(SmtpReply.of(452, "4.3.1", "full").isTransient()).isTrue();
  }

  @Test
  void securityLevels_strictestWins() {
    assertThat(SecurityLevel.ENCRYPT.strictest(SecurityLevel.VERIFY)).isEqualTo(SecurityLevel.VERIFY);
    assertThat(SecurityLevel.PORTAL.strictest(SecurityLevel.DANE)).isEqualTo(SecurityLevel.PORTAL);
  }

  @Test
  void tenant_maySendAsListedDomainsAndTheirSubdomainsOnly() {
    Tenant t = new Tenant(new TenantId("clinic"), "apikey", "$argon2id$x", java.util.Set.of("Clinic.example"),
        new TenantLimits(100, 1 << 20, 10, 0), Purpose.MARKETING, SecurityLevel.ENCRYPT, TlsFallback.DEFER);
    assertThat(t.maySendAs("clinic.example")).isTrue();
    assertThat(t.maySendAs("news.clinic.example")).isTrue();
    assertThat(t.maySendAs("evilclinic.example")).isFalse();
    assertThat(t.toString()).doesNotContain("argon2");
  }
}
