package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.mailward.admin.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailwardctl suppression show|add|remove}: one tenant's suppression list. */
@Command(name = "suppression", description = "Suppressions: list (by reason), show, add, remove for one address.",
    subcommands = {SuppressionCommands.ListSuppressions.class, SuppressionCommands.Show.class, SuppressionCommands.Add.class,
        SuppressionCommands.Remove.class})
final class SuppressionCommands {

  @Command(name = "list", description = "Suppressed recipients (by token), optionally of one reason.")
  static final class ListSuppressions extends Mailwardctl.Sub {
    @Parameters(index = "0") String tenant;
    @Option(names = "--reason", description = "unsubscribe, complaint, hard-bounce or manual") String reason;
    @Option(names = "--limit") Integer limit;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      StringBuilder q = new StringBuilder();
      QueueCommands.add(q, "reason", reason);
      QueueCommands.add(q, "limit", limit == null ? null : limit.toString());
      JsonNode r = api.get(ConsentCommands.path(tenant, "/suppressions" + q));
      if (!ctl.printedJson(r)) {
        Table t = new Table("RECIPIENT", "PURPOSE", "REASON", "SINCE");
        r.path("suppressions").forEach(x -> x.path("purposes").fields().forEachRemaining(e -> t.row(
            x.path("recipient").asText(), e.getKey(), e.getValue().path("reason").asText(), e.getValue().path("at").asText())));
        t.print(ctl.out);
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Suppressions (and consent) of one address.")
  static final class Show extends Mailwardctl.Sub {
    @Parameters(index = "0") String tenant;
    @Parameters(index = "1") String address;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get(ConsentCommands.path(tenant, "/suppressions/" + AdminClient.enc(address)));
      if (!ctl.printedJson(r)) {
        ConsentCommands.printState(ctl, r);
      }
      return 0;
    }
  }

  @Command(name = "add", description = "Suppress an address (every purpose unless --purpose).")
  static final class Add extends Mailwardctl.Sub {
    @Parameters(index = "0") String tenant;
    @Parameters(index = "1") String address;
    @Option(names = "--purpose", description = "purpose (repeatable)") List<String> purposes;
    @Option(names = "--reason", description = "unsubscribe, complaint, hard-bounce or manual (default manual)") String reason;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      ObjectNode b = Json.object().put("address", address);
      if (purposes != null) {
        purposes.forEach(b.putArray("purposes")::add);
      }
      if (reason != null) {
        b.put("reason", reason);
      }
      JsonNode r = api.post(ConsentCommands.path(tenant, "/suppressions"), b);
      if (!ctl.printedJson(r)) {
        ctl.out.println("suppressed (change " + r.path("version").asLong() + ")");
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Lift suppressions (every purpose unless --purpose).")
  static final class Remove extends Mailwardctl.Sub {
    @Parameters(index = "0") String tenant;
    @Parameters(index = "1") String address;
    @Option(names = "--purpose", description = "purpose (repeatable)") List<String> purposes;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      StringBuilder q = new StringBuilder();
      if (purposes != null) {
        purposes.forEach(p -> q.append(q.length() == 0 ? "?" : "&").append("purpose=").append(AdminClient.enc(p)));
      }
      JsonNode r = api.delete(ConsentCommands.path(tenant, "/suppressions/" + AdminClient.enc(address) + q));
      if (!ctl.printedJson(r)) {
        ctl.out.println("lifted (change " + r.path("version").asLong() + ")");
      }
      return 0;
    }
  }
}
