package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mailward.admin.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mailwardctl domain}: destination domains. {@code domain} lists the TLS policies in force;
 * {@code domain show DOMAIN} prints what Mailward believes about one (TLS policy, route and MX,
 * MTA-STS, DANE, throttle, breaker, last outcome); {@code domain tls-policy set|clear} changes its
 * TLS policy.
 */
@Command(name = "domain", description = "Destination domains: TLS policies in force; subcommands: show DOMAIN, tls-policy set|clear.",
    subcommands = {DomainCommands.Show.class, DomainCommands.TlsPolicy.class})
final class DomainCommands extends Mailwardctl.Sub {
  @Override
  int call(Mailwardctl ctl, AdminClient api) {
    JsonNode r = api.get("/api/v1/domains");
    if (!ctl.printedJson(r)) {
      Table t = new Table("DOMAIN", "LEVEL", "EXCEPTION", "NOTE");
      r.path("tlsPolicies").forEach(p -> t.row(p.path("domain").asText(), p.path("level").asText(),
          p.path("exception").asBoolean() ? "yes" : "no", p.path("note").isNull() ? "" : p.path("note").asText()));
      t.print(ctl.out);
    }
    return 0;
  }

  @Command(name = "show", description = "What Mailward believes about a destination domain.")
  static final class Show extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "destination domain") String domain;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/domains/" + AdminClient.enc(domain));
      if (ctl.printedJson(r)) {
        return 0;
      }
      JsonNode p = r.path("tlsPolicy");
      ctl.out.println("domain:         " + r.path("domain").asText());
      ctl.out.println("tls policy:     " + (p.isNull() || p.isMissingNode() ? "none (message level, MTA-STS and DANE decide)"
          : p.path("level").asText() + (p.path("exception").asBoolean() ? " (exception: destination policy set aside)" : " (floor)")
              + (p.path("note").isNull() ? "" : " - " + p.path("note").asText())));
      if (r.path("bounceBreaker").has("tripped")) {
        ctl.out.println("bounce breaker: " + (r.path("bounceBreaker").path("tripped").asBoolean() ? "TRIPPED" : "closed"));
      }
      if (!"on".equals(r.path("delivery").asText())) {
        ctl.out.println("delivery:       off on this node");
        return 0;
      }
      ctl.out.println("route:          " + r.path("route").asText());
      JsonNode sts = r.path("mtaSts");
      ctl.out.println("mta-sts:        " + (sts.isNull() ? "no cached policy"
          : sts.path("mode").asText() + " max_age=" + sts.path("maxAge").asLong() + " mx=" + join(sts.path("mx"))
              + " (cached until " + sts.path("expires").asText() + ")"));
      JsonNode dane = r.path("dane");
      ctl.out.println("dane:           " + dane.path("state").asText() + " (" + dane.path("host").asText() + ": "
          + dane.path("detail").asText() + ")");
      JsonNode th = r.path("throttle");
      ctl.out.println("throttle:       " + (th.path("pausedUntil").isNull() ? "none" : "paused until " + th.path("pausedUntil").asText())
          + ", connections " + th.path("concurrency").asInt() + "/" + th.path("maxConcurrency").asInt());
      JsonNode last = r.path("lastOutcome");
      ctl.out.println("last outcome:   " + (last.isNull() ? "none on this node" : last.path("result").asText() + " "
          + last.path("reason").asText() + " via " + last.path("mx").asText() + " at " + last.path("at").asText()));
      Table t = new Table("MX", "PREF", "ADDRESSES");
      r.path("mx").forEach(h -> t.row(h.path("name").asText(), h.path("preference").asText(), join(h.path("addresses"))));
      t.print(ctl.out);
      return 0;
    }
  }

  private static String join(JsonNode array) {
    StringBuilder sb = new StringBuilder();
    array.forEach(x -> sb.append(sb.length() == 0 ? "" : ",").append(x.asText()));
    return sb.toString();
  }

  @Command(name = "tls-policy", description = "Set or clear a destination's TLS policy.",
      subcommands = {TlsPolicy.Set.class, TlsPolicy.Clear.class})
  static final class TlsPolicy {

    @Command(name = "set", description = "Require LEVEL (encrypt, verify, dane) for every message to DOMAIN, "
        + "or with --exception (level encrypt, --note required) set the destination's own MTA-STS/DANE aside.")
    static final class Set extends Mailwardctl.Sub {
      @Parameters(index = "0", description = "destination domain") String domain;
      @Parameters(index = "1", description = "encrypt, verify or dane") String level;
      @Option(names = "--exception", description = "set the destination's published policy aside (level encrypt only)")
      boolean exception;
      @Option(names = "--note", description = "why (required with --exception)") String note;

      @Override
      int call(Mailwardctl ctl, AdminClient api) {
        ObjectNode b = Json.object().put("level", level).put("exception", exception);
        if (note != null) {
          b.put("note", note);
        }
        JsonNode r = api.put("/api/v1/domains/" + AdminClient.enc(domain) + "/tls-policy", b);
        if (!ctl.printedJson(r)) {
          ctl.out.println("tls policy of " + r.path("domain").asText() + ": " + r.path("level").asText()
              + (r.path("exception").asBoolean() ? " (exception)" : ""));
        }
        return 0;
      }
    }

    @Command(name = "clear", description = "Remove a destination's TLS policy.")
    static final class Clear extends Mailwardctl.Sub {
      @Parameters(index = "0", description = "destination domain") String domain;

      @Override
      int call(Mailwardctl ctl, AdminClient api) {
        JsonNode r = api.delete("/api/v1/domains/" + AdminClient.enc(domain) + "/tls-policy");
        if (!ctl.printedJson(r)) {
          ctl.out.println("tls policy of " + r.path("domain").asText() + " cleared");
        }
        return 0;
      }
    }
  }
}
