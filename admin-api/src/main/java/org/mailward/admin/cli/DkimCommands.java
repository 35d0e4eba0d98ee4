package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.mailward.admin.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mailwardctl dkim list|rotate|readiness TENANT}: a tenant's DKIM keys with the DNS record
 * to publish, a new signing key (the running relay signs with it at once), and the sending-domain
 * readiness report.
 */
@Command(name = "dkim", description = "DKIM signing keys of a tenant: list, rotate, readiness.",
    subcommands = {DkimCommands.ListKeys.class, DkimCommands.Rotate.class, DkimCommands.Readiness.class})
final class DkimCommands {

  @Command(name = "list", description = "List a tenant's DKIM keys (the active one signs) with their DNS records.")
  static final class ListKeys extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/tenants/" + AdminClient.enc(tenant) + "/dkim-keys");
      if (!ctl.printedJson(r)) {
        Table t = new Table("DOMAIN", "SELECTOR", "TYPE", "CREATED", "ACTIVE");
        r.path("keys").forEach(k -> t.row(k.path("domain").asText(), k.path("selector").asText(), k.path("keyType").asText(),
            k.path("createdAt").asText(), k.path("active").asBoolean() ? "yes" : ""));
        t.print(ctl.out);
        r.path("keys").forEach(k -> ctl.out.println(k.path("dnsRecord").asText()));
      }
      return 0;
    }
  }

  @Command(name = "rotate", description = "Make a new DKIM key for DOMAIN; the tenant's mail is signed with it from now on. "
      + "Publish the printed DNS record (keep the old one published until mail signed with it has been delivered).")
  static final class Rotate extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Option(names = "--domain", required = true, description = "signing domain (one of the tenant's sender domains)") String domain;
    @Option(names = "--algorithm", description = "ed25519 (default) or rsa-2048") String algorithm;
    @Option(names = "--selector", description = "selector (default: mwYYYYMMDDxxxx)") String selector;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      ObjectNode b = Json.object().put("domain", domain);
      if (algorithm != null) {
        b.put("algorithm", algorithm);
      }
      if (selector != null) {
        b.put("selector", selector);
      }
      JsonNode r = api.post("/api/v1/tenants/" + AdminClient.enc(tenant) + "/dkim-keys", b);
      if (!ctl.printedJson(r)) {
        ctl.out.println("signing with selector " + r.path("selector").asText() + " for " + r.path("domain").asText()
            + " (" + r.path("keyType").asText() + ")");
        ctl.out.println("publish:");
        ctl.out.println("  " + r.path("dnsRecord").asText());
      }
      return 0;
    }
  }

  @Command(name = "readiness", description = "Sending-domain readiness (SPF, the published DKIM key, DMARC) of each signing domain.")
  static final class Readiness extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Option(names = "--ip", description = "an outbound address SPF must authorise (repeatable)") List<String> ips = new ArrayList<>();

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      StringBuilder q = new StringBuilder();
      ips.forEach(ip -> q.append(q.length() == 0 ? "?" : "&").append("ip=").append(AdminClient.enc(ip)));
      JsonNode r = api.get("/api/v1/tenants/" + AdminClient.enc(tenant) + "/dkim-keys/readiness" + q);
      if (!ctl.printedJson(r)) {
        r.path("domains").forEach(d -> ctl.out.print(d.path("report").asText()));
      }
      return 0;
    }
  }
}
