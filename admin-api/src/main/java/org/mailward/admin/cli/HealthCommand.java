package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code mailwardctl health}: the relay's readiness checks; exit 1 when not ready. */
@Command(name = "health", description = "Show readiness (listeners, spool, disk, delivery); exit 1 when not ready.")
final class HealthCommand extends Mailwardctl.Sub {
  @Override
  int call(Mailwardctl ctl, AdminClient api) {
    JsonNode r;
    try {
      r = api.get("/readyz");
    } catch (AdminClient.Failure f) {
      if (f.exitCode != 5 || !f.getMessage().startsWith("HTTP 503") && !f.getMessage().contains("503")) {
        throw f;
      }
      ctl.err.println("not ready");
      return 1;
    }
    if (!ctl.printedJson(r)) {
      Table t = new Table("CHECK", "OK", "DETAIL");
      r.path("checks").fields().forEachRemaining(e -> t.row(e.getKey(), e.getValue().path("ok").asBoolean() ? "yes" : "NO",
          e.getValue().path("detail").asText()));
      t.print(ctl.out);
      ctl.out.println(r.path("status").asText());
    }
    return 0;
  }
}
