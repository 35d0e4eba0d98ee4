package org.mailward.policy.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.policy.dkim.DkimKey;
import org.mailward.testkit.DkimTestKeys;
import org.mailward.policy.readiness.ReadinessReport.Status;
import org.xbill.DNS.SimpleResolver;

/** The readiness check against a real dnsmasq on loopback. */
class DomainReadinessIT {
  @TempDir Path dir;

  @Test
  void readyDomain_passesEveryCheck_andAMisconfiguredOneSaysWhatIsWrong() throws Exception {
    DkimKey key = DkimKey.load(DkimTestKeys.ed25519(dir), DkimTestKeys.PASSPHRASE.toCharArray());
    DkimKey other = DkimKey.load(DkimTestKeys.ed25519(java.nio.file.Files.createDirectories(dir.resolve("other"))), DkimTestKeys.PASSPHRASE.toCharArray());
    String p = key.publicKeyBase64();
    try (LocalDns dns = new LocalDns("test", List.of(
        "good.test,v=spf1 ip4:127.0.0.9 ip4:127.0.0.10 -all",
        "mw1._domainkey.good.test,v=DKIM1; k=ed25519; p=" + p + "",
        "_dmarc.good.test,v=DMARC1; p=reject; rua=mailto:d@good.test",
        "bad.test,v=spf1 ip4:192.0.2.1 -all",
        "mw1._domainkey.bad.test,v=DKIM1; k=ed25519; p=" + other.publicKeyBase64() + ""))) {
      SimpleResolver resolver = new SimpleResolver("127.0.0.1");
      resolver.setPort(dns.port());
      resolver.setTimeout(Duration.ofSeconds(2));
      DomainReadiness readiness = new DomainReadiness(resolver);

      ReadinessReport good = readiness.check("good.test", List.of("127.0.0.9", "127.0.0.10"), "mw1", p);
      System.out.print(good.toText());
      assertThat(good.ready()).isTrue();
      assertThat(good.dmarcPolicy()).contains("reject");

      ReadinessReport bad = readiness.check("bad.test", List.of("127.0.0.9"), "mw1", p);
      System.out.print(bad.toText());
      assertThat(bad.ready()).isFalse();
      assertThat(bad.spf().get(0).result()).isEqualTo("fail");
      assertThat(bad.dkim()).isEqualTo(Status.MISMATCH);
      assertThat(bad.dmarc()).isEqualTo(Status.MISSING);
      assertThat(bad.toText()).contains("NOT READY").contains("127.0.0.9 -> fail").contains("no v=DMARC1 record");

      ReadinessReport none = readiness.check("absent.test", List.of("127.0.0.9"), "mw1", p);
      assertThat(none.dkim()).isEqualTo(Status.MISSING);
      assertThat(none.spf().get(0).result()).isEqualTo("none");
    }
  }
}
