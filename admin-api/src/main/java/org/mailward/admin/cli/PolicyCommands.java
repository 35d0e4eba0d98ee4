package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailwardctl policy check FILE.eml --tenant T --rcpt A...}: the policy dry-run (nothing is spooled). */
@Command(name = "policy", description = "Policy dry-run.", subcommands = PolicyCommands.Check.class)
final class PolicyCommands {

  @Command(name = "check", description = "What policy decides for a message, per recipient and overall; exit 1 when anything is refused.")
  static final class Check extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "RFC 5322 message file (.eml)") Path file;
    @Option(names = "--tenant", required = true) String tenant;
    @Option(names = "--rcpt", required = true, description = "recipient (repeatable)") List<String> rcpts;
    @Option(names = "--from", description = "MAIL FROM (default: dry-run@ the tenant's first sender domain)") String from;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      StringBuilder q = new StringBuilder("?tenant=" + AdminClient.enc(tenant));
      rcpts.forEach(r -> q.append("&rcpt=").append(AdminClient.enc(r)));
      if (from != null) {
        q.append("&from=").append(AdminClient.enc(from));
      }
      JsonNode r = api.upload("/api/v1/policy/check" + q, file, "message/rfc822");
      boolean refused = false;
      for (JsonNode x : r.path("recipients")) {
        refused |= x.path("verdict").asText().equals("refuse");
      }
      JsonNode m = r.path("message");
      refused |= m.isNull() || m.path("verdict").asText().equals("refuse") || m.path("dropped").size() > 0;
      if (ctl.printedJson(r)) {
        return refused ? 1 : 0;
      }
      Table t = new Table("RECIPIENT", "VERDICT", "RULE");
      r.path("recipients").forEach(x -> t.row(x.path("address").asText(), x.path("verdict").asText(), x.path("rule").asText()));
      t.print(ctl.out);
      if (m.isNull()) {
        ctl.out.println("message: not inspected (no recipient accepted)");
        return 1;
      }
      ctl.out.println();
      ctl.out.println("message: " + m.path("verdict").asText() + (m.has("rule") ? " (" + m.path("rule").asText() + ")" : ""));
      if (m.has("purpose")) {
        ctl.out.println("purpose: " + m.path("purpose").asText() + "   required level: " + m.path("requiredLevel").asText()
            + "   DKIM: " + (m.path("dkimSign").asBoolean() ? "signed" : "not signed"));
      }
      m.path("dropped").forEach(d -> ctl.out.println("dropped after DATA: " + d.path("address").asText() + " ("
          + d.path("rule").asText() + ")"));
      if (m.path("phiFindings").isEmpty()) {
        ctl.out.println("PHI findings: none");
      } else {
        Table p = new Table("PHI FINDING", "RULE", "PART", "OFFSETS");
        m.path("phiFindings").forEach(f -> p.row(f.path("category").asText(), f.path("rule").asText(), f.path("part").asText(),
            f.path("start").asInt() + "-" + f.path("end").asInt()));
        p.print(ctl.out);
      }
      if (!m.path("phiCounts").isEmpty()) {
        Table c = new Table("PHI DETECTOR", "COUNT");
        m.path("phiCounts").forEach(f -> c.row(f.path("detector").asText(), f.path("count").asInt()));
        c.print(ctl.out);
      }
      Table rules = new Table("RULE", "COUNT");
      m.path("rules").forEach(f -> rules.row(f.path("rule").asText(), f.path("count").asInt()));
      rules.print(ctl.out);
      return refused ? 1 : 0;
    }
  }
}
