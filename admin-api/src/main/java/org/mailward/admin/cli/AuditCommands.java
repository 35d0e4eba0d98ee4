package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailwardctl audit query|export|verify}: the audit journal. */
@Command(name = "audit", description = "Audit journal: query, export (NDJSON), verify the chain.",
    subcommands = {AuditCommands.Query.class, AuditCommands.Export.class, AuditCommands.Verify.class})
final class AuditCommands {

  abstract static class Filter extends Mailwardctl.Sub {
    @Option(names = "--from", description = "RFC 3339 start (default: 24 h before --to)") String from;
    @Option(names = "--to", description = "RFC 3339 end (default: now)") String to;
    @Option(names = "--message", description = "message id") String message;
    @Option(names = "--type", description = "event type or prefix, e.g. delivery or admin.change") String type;
    @Option(names = "--limit") Integer limit;

    String query() {
      StringBuilder q = new StringBuilder();
      QueueCommands.add(q, "from", from);
      QueueCommands.add(q, "to", to);
      QueueCommands.add(q, "messageId", message);
      QueueCommands.add(q, "type", type);
      QueueCommands.add(q, "limit", limit == null ? null : limit.toString());
      return q.toString();
    }
  }

  @Command(name = "query", description = "Audit records as a table.")
  static final class Query extends Filter {
    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/audit" + query());
      if (!ctl.printedJson(r)) {
        Table t = new Table("SEQ", "AT", "TYPE", "MESSAGE", "TENANT", "FACTS");
        r.path("records").forEach(x -> {
          StringBuilder f = new StringBuilder();
          x.path("facts").fields().forEachRemaining(e -> f.append(f.length() == 0 ? "" : " ").append(e.getKey()).append('=')
              .append(e.getValue().asText()));
          t.row(x.path("sequence").asLong(), x.path("at").asText(), x.path("type").asText(), x.path("messageId").asText(""),
              x.path("tenant").asText(""), f);
        });
        t.print(ctl.out);
      }
      return 0;
    }
  }

  @Command(name = "export", description = "Audit records as NDJSON on standard output.")
  static final class Export extends Filter {
    @Override
    int call(Mailwardctl ctl, AdminClient api) throws Exception {
      try (InputStream in = api.stream("/api/v1/audit/export" + query())) {
        in.transferTo(ctl.out);
      }
      ctl.out.flush();
      return 0;
    }
  }

  @Command(name = "verify", description = "Verify the hash chain; exit 1 when it is broken.")
  static final class Verify extends Mailwardctl.Sub {
    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.post("/api/v1/audit/verify", null);
      boolean intact = r.path("intact").asBoolean();
      if (!ctl.printedJson(r)) {
        ctl.out.println(intact ? "audit chain intact" : "audit chain BROKEN at record " + r.path("firstBrokenSequence").asLong());
      }
      return intact ? 0 : 1;
    }
  }
}
