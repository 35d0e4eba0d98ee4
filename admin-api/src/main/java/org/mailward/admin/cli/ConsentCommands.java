package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.mailward.admin.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailwardctl consent show|grant|revoke|import}: one tenant's consent registry. */
@Command(name = "consent", description = "Consent: show, grant, revoke one address; import a file (CSV or NDJSON); export (NDJSON).",
    subcommands = {ConsentCommands.Show.class, ConsentCommands.Grant.class, ConsentCommands.Revoke.class,
        ConsentCommands.Import.class, ConsentCommands.Export.class})
final class ConsentCommands {

  static String path(String tenant, String rest) {
    return "/api/v1/tenants/" + AdminClient.enc(tenant) + rest;
  }

  static void printState(Mailwardctl ctl, JsonNode r) {
    JsonNode a = r.path("authorization");
    if (a.isMissingNode() || a.isNull()) {
      ctl.out.println("authorization: none");
    } else {
      StringBuilder p = new StringBuilder();
      a.path("purposes").forEach(x -> p.append(p.length() == 0 ? "" : ",").append(x.asText()));
      ctl.out.println("authorization: " + a.path("state").asText() + " for " + p + ", granted " + a.path("grantedAt").asText()
          + (a.has("expiresAt") ? ", expires " + a.path("expiresAt").asText() : "")
          + (a.has("revokedAt") ? ", revoked " + a.path("revokedAt").asText() : ""));
    }
    Table t = new Table("SUPPRESSED FOR", "REASON", "SINCE");
    r.path("suppressions").fields().forEachRemaining(e -> t.row(e.getKey(), e.getValue().path("reason").asText(),
        e.getValue().path("at").asText()));
    t.print(ctl.out);
  }

  @Command(name = "show", description = "Consent and suppressions of one address.")
  static final class Show extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Parameters(index = "1", description = "address") String address;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get(path(tenant, "/consent/" + AdminClient.enc(address)));
      if (!ctl.printedJson(r)) {
        printState(ctl, r);
      }
      return 0;
    }
  }

  @Command(name = "grant", description = "Record an authorization.")
  static final class Grant extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Parameters(index = "1", description = "address") String address;
    @Option(names = "--purpose", required = true, description = "purpose (repeatable)") List<String> purposes;
    @Option(names = "--evidence", required = true, description = "reference to the signed authorization") String evidence;
    @Option(names = "--granted", description = "when it was granted (date or RFC 3339; default now)") String granted;
    @Option(names = "--expires", description = "expiry (date or RFC 3339; required for marketing)") String expires;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      ObjectNode b = Json.object().put("evidence", evidence);
      purposes.forEach(b.putArray("purposes")::add);
      if (granted != null) {
        b.put("grantedAt", granted);
      }
      if (expires != null) {
        b.put("expiresAt", expires);
      }
      JsonNode r = api.put(path(tenant, "/consent/" + AdminClient.enc(address)), b);
      if (!ctl.printedJson(r)) {
        ctl.out.println("granted (change " + r.path("version").asLong() + ")");
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke an authorization at once.")
  static final class Revoke extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Parameters(index = "1", description = "address") String address;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.delete(path(tenant, "/consent/" + AdminClient.enc(address)));
      if (!ctl.printedJson(r)) {
        ctl.out.println("revoked (change " + r.path("version").asLong() + ")");
      }
      return 0;
    }
  }

  @Command(name = "import", description = "Import a CSV or NDJSON file, all or nothing; shows progress; exit 1 when rejected.")
  static final class Import extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Parameters(index = "1", description = "file") Path file;
    @Option(names = "--format", description = "csv or ndjson (default: from the file name)") String format;

    @Override
    int call(Mailwardctl ctl, AdminClient api) throws InterruptedException {
      String f = format != null ? format : file.toString().endsWith(".csv") ? "csv" : "ndjson";
      JsonNode job = api.upload(path(tenant, "/consent/imports?format=" + AdminClient.enc(f)), file,
          f.equals("csv") ? "text/csv" : "application/x-ndjson");
      String jobPath = path(tenant, "/consent/imports/" + AdminClient.enc(job.path("id").asText()));
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(6);
      while (job.path("state").asText().equals("queued") || job.path("state").asText().equals("running")) {
        if (!ctl.json) {
          ctl.err.print("\r" + job.path("phase").asText() + ": " + job.path("rows").asLong() + " rows   ");
          ctl.err.flush();
        }
        if (System.nanoTime() > deadline) {
          throw new AdminClient.Failure(5, "the import job did not finish within 6 hours");
        }
        Thread.sleep(250);
        job = api.get(jobPath);
      }
      if (!ctl.printedJson(job)) {
        ctl.err.println();
        JsonNode r = job.path("report");
        r.path("errors").forEach(e -> ctl.out.println("line " + e.path("line").asLong() + ": " + e.path("reason").asText()));
        ctl.out.println("import " + job.path("id").asText() + ": " + job.path("state").asText() + ", " + r.path("rows").asLong()
            + " rows, " + r.path("written").asLong() + " written, " + r.path("keptRevoked").asLong() + " kept revoked, "
            + r.path("errorCount").asLong() + " bad rows");
      }
      return job.path("state").asText().equals("imported") ? 0 : 1;
    }
  }

  @Command(name = "export", description = "Every authorization of a tenant as NDJSON (recipients by token).")
  static final class Export extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;

    @Override
    int call(Mailwardctl ctl, AdminClient api) throws Exception {
      try (java.io.InputStream in = api.stream(path(tenant, "/consent/export"))) {
        in.transferTo(ctl.out);
      }
      ctl.out.flush();
      return 0;
    }
  }
}
