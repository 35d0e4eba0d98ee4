package org.mailward.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailward.api.DestinationTlsPolicy;
import org.mailward.api.Envelope;
import org.mailward.api.SecurityLevel;
import org.mailward.delivery.Mail;

/** How an operator's destination TLS policy combines with the message's level and the destination's own MTA-STS. */
class RequirementTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final DaneResolver.Lookup NO_DANE = new DaneResolver.Lookup.None("mx-insecure");
  private static final Optional<MtaStsPolicy> ENFORCE = Optional.of(new MtaStsPolicy(MtaStsPolicy.Mode.ENFORCE,
      List.of("mx.dest.example"), 86400, "id1", NOW.plusSeconds(86400)));

  private static Optional<DestinationTlsPolicy> floor(SecurityLevel level) {
    return Optional.of(new DestinationTlsPolicy("dest.example", level, false, Optional.empty()));
  }

  private static final Optional<DestinationTlsPolicy> EXCEPTION =
      Optional.of(new DestinationTlsPolicy("dest.example", SecurityLevel.ENCRYPT, true, Optional.of("broken MTA-STS, ticket 42")));

  @Test
  void aVerifyFloor_raisesEncryptMail_toVerify_namingTheDomainPolicy() {
    Envelope env = Mail.envelope(NOW, SecurityLevel.ENCRYPT, "p@dest.example");
    Requirement r = Requirement.of(env, false, Optional.empty(), NO_DANE, floor(SecurityLevel.VERIFY));
    assertThat(r.level()).isEqualTo(SecurityLevel.VERIFY);
    assertThat(r.source()).isEqualTo("domain-policy");
  }

  @Test
  void aFloor_neverLowersALevelThatPolicyRaised() {
    Envelope env = Mail.envelope(NOW, SecurityLevel.DANE, "p@dest.example");
    Requirement r = Requirement.of(env, false, Optional.empty(), NO_DANE, floor(SecurityLevel.VERIFY));
    assertThat(r.level()).isEqualTo(SecurityLevel.DANE);
    assertThat(r.source()).isEqualTo("policy");
  }

  @Test
  void aDaneFloor_withoutTlsaRecords_refusesTheHostBeforeConnecting() {
    Envelope env = Mail.envelope(NOW, SecurityLevel.ENCRYPT, "p@dest.example");
    Requirement r = Requirement.of(env, false, Optional.empty(), NO_DANE, floor(SecurityLevel.DANE));
    assertThat(r.beforeConnect("mx.dest.example")).map(Requirement.Unmet::reason).contains("dane-required-no-tlsa");
  }

  @Test
  void anException_setsTheDestinationsMtaStsAside_forEncryptMailOnly() {
    Envelope enc = Mail.envelope(NOW, SecurityLevel.ENCRYPT, "p@dest.example");
    Requirement relaxed = Requirement.of(enc, false, ENFORCE, NO_DANE, EXCEPTION);
    assertThat(relaxed.level()).isEqualTo(SecurityLevel.ENCRYPT);
    assertThat(relaxed.beforeConnect("other.host.example")).as("the MX pattern is not enforced").isEmpty();

    Requirement without = Requirement.of(enc, false, ENFORCE, NO_DANE, Optional.empty());
    assertThat(without.level()).isEqualTo(SecurityLevel.VERIFY);
    assertThat(without.beforeConnect("other.host.example")).map(Requirement.Unmet::reason).contains("mta-sts-mx-mismatch");

    Envelope phi = Mail.envelope(NOW, SecurityLevel.VERIFY, "p@dest.example");
    Requirement kept = Requirement.of(phi, false, ENFORCE, NO_DANE, EXCEPTION);
    assertThat(kept.level()).as("PHI mail is never relaxed").isEqualTo(SecurityLevel.VERIFY);
    assertThat(kept.beforeConnect("other.host.example")).map(Requirement.Unmet::reason).contains("mta-sts-mx-mismatch");
  }
}
