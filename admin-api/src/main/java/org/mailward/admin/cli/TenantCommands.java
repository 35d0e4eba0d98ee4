package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.mailward.admin.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailwardctl tenant list|show|create|update|disable|enable}. */
@Command(name = "tenant", description = "Tenants: list, show, create, update, disable, enable.",
    subcommands = {TenantCommands.ListTenants.class, TenantCommands.Show.class, TenantCommands.Create.class,
        TenantCommands.Update.class, TenantCommands.Disable.class, TenantCommands.Enable.class})
final class TenantCommands {

  static void print(Mailwardctl ctl, List<JsonNode> tenants) {
    Table t = new Table("ID", "ENABLED", "SOURCE", "PURPOSE", "LEVEL", "CREDENTIALS", "SENDER DOMAINS");
    for (JsonNode n : tenants) {
      StringBuilder d = new StringBuilder();
      n.path("senderDomains").forEach(x -> d.append(d.length() == 0 ? "" : ",").append(x.asText()));
      t.row(n.path("id").asText(), n.path("enabled").asBoolean() ? "yes" : "no", n.path("source").asText(),
          n.path("defaultPurpose").asText(), n.path("securityLevel").asText(), n.path("credentials").asInt(), d);
    }
    t.print(ctl.out);
  }

  @Command(name = "list", description = "List tenants.")
  static final class ListTenants extends Mailwardctl.Sub {
    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/tenants");
      if (!ctl.printedJson(r)) {
        List<JsonNode> l = new java.util.ArrayList<>();
        r.path("tenants").forEach(l::add);
        print(ctl, l);
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show one tenant.")
  static final class Show extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String id;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/tenants/" + AdminClient.enc(id));
      if (!ctl.printedJson(r)) {
        print(ctl, List.of(r));
      }
      return 0;
    }
  }

  abstract static class Settings extends Mailwardctl.Sub {
    @Option(names = "--domain", description = "sender domain (repeatable)") List<String> domains;
    @Option(names = "--purpose", description = "default purpose") String purpose;
    @Option(names = "--level", description = "security level: encrypt, verify, dane, portal") String level;
    @Option(names = "--fallback", description = "TLS fallback") String fallback;
    @Option(names = "--max-recipients") Integer maxRecipients;
    @Option(names = "--max-message-bytes") Long maxMessageBytes;
    @Option(names = "--max-connections") Integer maxConnections;
    @Option(names = "--rate", description = "messages per second (0: unlimited)") Double rate;

    ObjectNode body() {
      ObjectNode o = Json.object();
      if (domains != null) {
        domains.forEach(o.putArray("senderDomains")::add);
      }
      if (purpose != null) {
        o.put("defaultPurpose", purpose);
      }
      if (level != null) {
        o.put("securityLevel", level);
      }
      if (fallback != null) {
        o.put("fallback", fallback);
      }
      if (maxRecipients != null) {
        o.put("maxRecipients", maxRecipients);
      }
      if (maxMessageBytes != null) {
        o.put("maxMessageBytes", maxMessageBytes);
      }
      if (maxConnections != null) {
        o.put("maxConnections", maxConnections);
      }
      if (rate != null) {
        o.put("messagesPerSecond", rate);
      }
      return o;
    }
  }

  @Command(name = "create", description = "Create a tenant.")
  static final class Create extends Settings {
    @Parameters(index = "0", description = "tenant id") String id;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      ObjectNode b = body();
      b.put("id", id);
      JsonNode r = api.post("/api/v1/tenants", b);
      if (!ctl.printedJson(r)) {
        print(ctl, List.of(r));
      }
      return 0;
    }
  }

  @Command(name = "update", description = "Change a tenant's settings (options not given stay).")
  static final class Update extends Settings {
    @Parameters(index = "0", description = "tenant id") String id;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.put("/api/v1/tenants/" + AdminClient.enc(id), body());
      if (!ctl.printedJson(r)) {
        print(ctl, List.of(r));
      }
      return 0;
    }
  }

  abstract static class Switch extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "tenant id") String id;

    abstract String action();

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.post("/api/v1/tenants/" + AdminClient.enc(id) + "/" + action(), null);
      if (!ctl.printedJson(r)) {
        print(ctl, List.of(r));
      }
      return 0;
    }
  }

  @Command(name = "disable", description = "Disable a tenant (its credentials stop authenticating).")
  static final class Disable extends Switch {
    @Override
    String action() {
      return "disable";
    }
  }

  @Command(name = "enable", description = "Enable a tenant.")
  static final class Enable extends Switch {
    @Override
    String action() {
      return "enable";
    }
  }
}
