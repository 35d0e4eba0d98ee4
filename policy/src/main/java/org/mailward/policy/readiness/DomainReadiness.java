package org.mailward.policy.readiness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.SPF;
import org.mailward.policy.readiness.ReadinessReport.SpfResult;
import org.mailward.policy.readiness.ReadinessReport.Status;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Checks that a tenant's sending domain is ready for Mailward: SPF (evaluated by jSPF) authorises
 * each outbound address, the DKIM key is published at {@code selector._domainkey.domain} and
 * matches ours, and a DMARC record exists. Uses the injected dnsjava resolver only. Blocking: an
 * admin action, never on the mail path.
 */
public final class DomainReadiness {
  private final Resolver resolver;
  private final SPF spf;

  public DomainReadiness(Resolver resolver) {
    this.resolver = resolver;
    this.spf = new SPF(new DNSServiceXBillImpl(resolver));
  }

  /**
   * @param expectedDkimKey the base64 public key we sign with ({@code DkimSigner.key().publicKeyBase64()})
   */
  public ReadinessReport check(String domain, List<String> outboundIps, String selector, String expectedDkimKey) {
    List<SpfResult> spfResults = new ArrayList<>();
    for (String ip : outboundIps) {
      spfResults.add(new SpfResult(ip, spf.checkSPF(ip, "postmaster@" + domain, domain).getResult()));
    }
    Status dkim;
    String detail;
    String dkimName = selector + "._domainkey." + domain;
    try {
      Optional<String> record = txt(dkimName, "v=DKIM1");
      if (record.isEmpty()) {
        dkim = Status.MISSING;
        detail = "no DKIM key at " + dkimName;
      } else {
        String p = tag(record.get(), "p").orElse("").replaceAll("\\s", "");
        dkim = p.equals(expectedDkimKey) ? Status.OK : Status.MISMATCH;
        detail = dkim == Status.OK ? "key published at " + dkimName : "key at " + dkimName + " is not Mailward's signing key";
      }
    } catch (IOException e) {
      dkim = Status.ERROR;
      detail = "DNS error looking up " + dkimName;
    }
    Status dmarc;
    Optional<String> policy = Optional.empty();
    try {
      Optional<String> record = txt("_dmarc." + domain, "v=DMARC1");
      dmarc = record.isPresent() ? Status.OK : Status.MISSING;
      policy = record.flatMap(r -> tag(r, "p"));
    } catch (IOException e) {
      dmarc = Status.ERROR;
    }
    return new ReadinessReport(domain, spfResults, dkim, detail, dmarc, policy);
  }

  /** The first TXT record at {@code name} starting with {@code prefix} (strings joined, RFC 6376 3.6.2.2). */
  private Optional<String> txt(String name, String prefix) throws IOException {
    Record question = Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), Type.TXT, DClass.IN);
    Message answer = resolver.send(Message.newQuery(question));
    int rcode = answer.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      throw new IOException("rcode " + Rcode.string(rcode));
    }
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t) {
        String joined = String.join("", t.getStrings());
        if (joined.regionMatches(true, 0, prefix, 0, prefix.length())) {
          return Optional.of(joined);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> tag(String record, String name) {
    for (String part : record.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
        return Optional.of(part.substring(eq + 1).trim());
      }
    }
    return Optional.empty();
  }
}
