package org.mailward.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code mailward admin-token create|list|revoke}: manages the admin API's token file on this node
 * (works while the relay runs: the server re-reads the file when it changes). A created token is
 * printed once; the file keeps only its SHA-256.
 */
@Command(name = "admin-token", description = "Create, list or revoke admin API tokens.",
    subcommands = {AdminTokenCommand.Create.class, AdminTokenCommand.ListTokens.class, AdminTokenCommand.Revoke.class})
final class AdminTokenCommand {
  @Option(names = "--config", description = "YAML configuration file (the relay's)", scope = picocli.CommandLine.ScopeType.INHERIT)
  Path config;

  AdminTokens tokens() {
    String source = config == null ? "built-in defaults" : config.toString();
    MailwardConfig cfg = new ConfigLoader().load(config, System.getenv());
    ModuleConfigs modules = new ModuleConfigs(cfg, source, System.getenv());
    return new AdminTokens(AdminEndpoint.tokenFile(cfg, modules), Clock.systemUTC());
  }

  @Command(name = "create", description = "Create a token and print it once.")
  static final class Create implements Callable<Integer> {
    @ParentCommand AdminTokenCommand parent;

    @Option(names = "--role", required = true, description = "admin, operator, auditor or compliance")
    String role;

    @Option(names = "--tenant", description = "restrict the token to one tenant")
    String tenant;

    @Override
    public Integer call() {
      Role r;
      Optional<TenantId> t;
      try {
        r = Role.fromLabel(role);
        t = Optional.ofNullable(tenant).map(TenantId::new);
      } catch (IllegalArgumentException e) {
        System.err.println("mailward: --role must be admin, operator, auditor or compliance; --tenant a tenant id");
        return 2;
      }
      try {
        AdminTokens.Created c = parent.tokens().create(r, t);
        System.out.println(c.token());
        System.err.println("token " + c.stored().id() + " (role " + r.label() + t.map(x -> ", tenant " + x).orElse("")
            + ") created; it is shown once");
        return 0;
      } catch (ConfigException e) {
        System.err.println("mailward: configuration error: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(name = "list", description = "List tokens (id, role, tenant, created; never the secret).")
  static final class ListTokens implements Callable<Integer> {
    @ParentCommand AdminTokenCommand parent;

    @Override
    public Integer call() {
      System.out.printf("%-12s  %-10s  %-20s  %s%n", "ID", "ROLE", "TENANT", "CREATED");
      for (AdminTokens.Stored s : parent.tokens().list()) {
        System.out.printf("%-12s  %-10s  %-20s  %s%n", s.id(), s.role().label(), s.tenant().map(TenantId::value).orElse("-"),
            s.created());
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a token by id.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand AdminTokenCommand parent;

    @Parameters(index = "0", description = "token id")
    String id;

    @Override
    public Integer call() {
      if (parent.tokens().revoke(id)) {
        return 0;
      }
      System.err.println("mailward: no token with id " + id);
      return 1;
    }
  }
}
