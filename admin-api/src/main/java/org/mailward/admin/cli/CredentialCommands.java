package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mailward.admin.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailwardctl credential list|issue|revoke TENANT}: SMTP credentials; an issued password is printed once. */
@Command(name = "credential", description = "SMTP credentials of a tenant: list, issue (password shown once), revoke.",
    subcommands = {CredentialCommands.ListCredentials.class, CredentialCommands.Issue.class, CredentialCommands.Revoke.class})
final class CredentialCommands {

  @Command(name = "list", description = "List a tenant's credentials (never passwords).")
  static final class ListCredentials extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/tenants/" + AdminClient.enc(tenant) + "/credentials");
      if (!ctl.printedJson(r)) {
        Table t = new Table("ID", "USERNAME", "ISSUED");
        r.path("credentials").forEach(c -> t.row(c.path("id").asText(), c.path("username").asText(), c.path("issuedAt").asText()));
        t.print(ctl.out);
      }
      return 0;
    }
  }

  @Command(name = "issue", description = "Issue a credential; the password is printed once.")
  static final class Issue extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Option(names = "--username", description = "SMTP username (default: TENANT-ID)") String username;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      ObjectNode b = username == null ? null : Json.object().put("username", username);
      JsonNode r = api.post("/api/v1/tenants/" + AdminClient.enc(tenant) + "/credentials", b);
      if (!ctl.printedJson(r)) {
        ctl.out.println("id:       " + r.path("id").asText());
        ctl.out.println("username: " + r.path("username").asText());
        ctl.out.println("password: " + r.path("password").asText());
        ctl.err.println("The password is shown once; Mailward keeps only its hash.");
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a credential (refused at the next AUTH).")
  static final class Revoke extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String tenant;
    @Parameters(index = "1", description = "credential id") String id;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      api.delete("/api/v1/tenants/" + AdminClient.enc(tenant) + "/credentials/" + AdminClient.enc(id));
      if (!ctl.printedJson(Json.object().put("revoked", id))) {
        ctl.out.println("revoked " + id);
      }
      return 0;
    }
  }
}
