package org.mailward.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailward.delivery.tls.DaneResolver.Dnssec;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** How validated answers are read: the AD flag and the rcode decide; a SERVFAIL is left to the trust-anchor probe. */
class DaneResolverTest {
  private static Message answer(int rcode, boolean ad) throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString("example.org."), Type.MX, DClass.IN));
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setRcode(rcode);
    if (ad) {
      m.getHeader().setFlag(Flags.AD);
    }
    return m;
  }

  @Test
  void authenticatedAnswers_areSecure_andUnauthenticatedOnesInsecure_includingDenials() throws Exception {
    assertThat(DaneResolver.status(answer(Rcode.NOERROR, true))).contains(Dnssec.SECURE);
    assertThat(DaneResolver.status(answer(Rcode.NXDOMAIN, true))).contains(Dnssec.SECURE);
    assertThat(DaneResolver.status(answer(Rcode.NOERROR, false))).contains(Dnssec.INSECURE);
    assertThat(DaneResolver.status(answer(Rcode.NXDOMAIN, false))).contains(Dnssec.INSECURE);
  }

  @Test
  void servfailOrRefused_isNotAStatus_untilTheTrustAnchorProbeSaysBogusOrIndeterminate() throws Exception {
    assertThat(DaneResolver.status(answer(Rcode.SERVFAIL, false))).isEqualTo(Optional.empty());
    assertThat(DaneResolver.status(answer(Rcode.REFUSED, false))).isEqualTo(Optional.empty());
  }

  @Test
  void tlsaServfail_isIndeterminate_andAnInsecureTlsaAnswer_isNoDane() throws Exception {
    assertThat(DaneResolver.classify(answer(Rcode.SERVFAIL, false))).isInstanceOf(DaneResolver.Lookup.Indeterminate.class);
    assertThat(DaneResolver.classify(answer(Rcode.NOERROR, false))).isEqualTo(new DaneResolver.Lookup.None("tlsa-insecure"));
    assertThat(DaneResolver.classify(answer(Rcode.NXDOMAIN, true))).isEqualTo(new DaneResolver.Lookup.None("tlsa-secure-denial"));
  }
}
