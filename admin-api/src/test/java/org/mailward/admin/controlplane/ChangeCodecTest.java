package org.mailward.admin.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ControlPlaneLog.Entry;
import org.mailward.api.DestinationTlsPolicy;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;

/** The stored form of the destination TLS policy and DKIM key records: read back equal, node-wide records without a tenant. */
class ChangeCodecTest {
  private static final Instant AT = Instant.parse("2026-12-04T21:00:00Z");
  @TempDir Path keys;

  private Entry roundTrip(ChangeRecord c) {
    ChangeCodec codec = TestCodecs.sealing(keys);
    return codec.decode(codec.encode(new Entry(7, AT, new Entry.Actor("token:abc"), c)));
  }

  @Test
  void aDestinationTlsPolicy_isStoredWithoutATenant_andReadBackEqual() {
    var set = new ChangeRecord.DestinationTlsPolicySet(
        new DestinationTlsPolicy("Dest.Example", SecurityLevel.ENCRYPT, true, Optional.of("broken MTA-STS")));
    byte[] stored = TestCodecs.sealing(keys).encode(new Entry(7, AT, new Entry.Actor("token:abc"), set));
    assertThat(new String(stored, StandardCharsets.UTF_8)).contains("\"type\":\"domain.tls-policy.set\"")
        .contains("\"domain\":\"dest.example\"").doesNotContain("\"tenant\"");
    assertThat(roundTrip(set).change()).isEqualTo(set);
    assertThat(roundTrip(set).change().owner()).isEmpty();
    var floor = new ChangeRecord.DestinationTlsPolicySet(
        new DestinationTlsPolicy("dest.example", SecurityLevel.VERIFY, false, Optional.empty()));
    assertThat(roundTrip(floor).change()).isEqualTo(floor);
    var cleared = new ChangeRecord.DestinationTlsPolicyCleared("dest.example");
    assertThat(roundTrip(cleared).change()).isEqualTo(cleared);
  }

  @Test
  void aDkimKey_isStoredWithItsPublicKeyOnly_andReadBackEqual() {
    var added = new ChangeRecord.DkimKeyAdded(new TenantId("clinic"), "clinic.example", "mw20261204ab", "ed25519",
        "MCowBQYDK2VwAyEA", AT);
    Entry back = roundTrip(added);
    assertThat(back.change()).isEqualTo(added);
    assertThat(back.change().owner()).contains(new TenantId("clinic"));
    assertThat(ChangeCodec.type(added)).isEqualTo("dkim.key.added");
  }

  @Test
  void theRegistry_followsSetAndClear() {
    DestinationPolicyRegistry registry = new DestinationPolicyRegistry();
    registry.apply(new Entry(1, AT, new Entry.Actor("system"), new ChangeRecord.DestinationTlsPolicySet(
        new DestinationTlsPolicy("dest.example", SecurityLevel.DANE, false, Optional.empty()))));
    assertThat(registry.policy("dest.example")).map(DestinationTlsPolicy::level).contains(SecurityLevel.DANE);
    registry.apply(new Entry(2, AT, new Entry.Actor("system"), new ChangeRecord.DestinationTlsPolicyCleared("dest.example")));
    assertThat(registry.policy("dest.example")).isEmpty();
  }
}
