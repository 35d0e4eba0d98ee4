package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mailwardctl lockouts}: the relay's SMTP AUTH lock-outs in force (user names only as
 * keyed tokens); {@code lockouts clear ADDRESS} lifts those of one client address.
 */
@Command(name = "lockouts", description = "SMTP AUTH lock-outs in force on the node; subcommand: clear ADDRESS.",
    subcommands = LockoutCommands.Clear.class)
final class LockoutCommands extends Mailwardctl.Sub {
  @Override
  int call(Mailwardctl ctl, AdminClient api) {
    JsonNode r = api.get("/api/v1/auth/lockouts");
    if (!ctl.printedJson(r)) {
      Table t = new Table("CLIENT", "SCOPE", "USER-TOKEN", "FAILURES", "SINCE", "UNTIL");
      r.path("lockouts").forEach(l -> t.row(l.path("clientAddress").asText(), l.path("scope").asText(),
          l.path("userToken").asText("-"), l.path("failures").asInt(), l.path("since").asText(), l.path("until").asText()));
      t.print(ctl.out);
    }
    return 0;
  }

  @Command(name = "clear", description = "Lift every lock-out of one client address.")
  static final class Clear extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "client IP address") String address;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.delete("/api/v1/auth/lockouts/" + AdminClient.enc(address));
      if (!ctl.printedJson(r)) {
        ctl.out.println("cleared " + r.path("lifted").asInt() + " lock-out(s) of " + r.path("clientAddress").asText());
      }
      return 0;
    }
  }
}
