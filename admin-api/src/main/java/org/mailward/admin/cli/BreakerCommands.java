package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mailwardctl breaker}: recipient domains whose hard-bounce breaker is tripped (their
 * mailbox bounces suppress nothing); {@code breaker reset DOMAIN} closes one again.
 */
@Command(name = "breaker", description = "Domains whose hard-bounce breaker is tripped; subcommand: reset DOMAIN.",
    subcommands = BreakerCommands.Reset.class)
final class BreakerCommands extends Mailwardctl.Sub {
  @Override
  int call(Mailwardctl ctl, AdminClient api) {
    JsonNode r = api.get("/api/v1/bounce-breaker");
    if (!ctl.printedJson(r)) {
      Table t = new Table("TRIPPED-DOMAIN");
      r.path("tripped").forEach(d -> t.row(d.asText()));
      t.print(ctl.out);
    }
    return 0;
  }

  @Command(name = "reset", description = "Reset a tripped breaker: the domain's mailbox bounces suppress again.")
  static final class Reset extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "recipient domain") String domain;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.delete("/api/v1/bounce-breaker/" + AdminClient.enc(domain));
      if (!ctl.printedJson(r)) {
        ctl.out.println("breaker reset for " + r.path("domain").asText());
      }
      return 0;
    }
  }
}
