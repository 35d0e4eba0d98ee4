package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mailward.admin.http.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailwardctl}: the admin API from a shell. Tables by default, {@code --json} prints the
 * API's JSON for scripts. The URL and token come from options or from {@code MAILWARDCTL_URL}
 * and {@code MAILWARDCTL_TOKEN} (or {@code --token-file}), so a token need not appear in a
 * process listing. Exit codes: 0 done; 1 done, but the answer is negative (an import rejected, a
 * broken audit chain, a message the dry-run refuses); 2 usage error; 3 the API refused the
 * request (400, 404, 409, 413); 4 not authenticated, not allowed or throttled (401, 403, 429);
 * 5 server error or unreachable.
 */
@Command(name = "mailwardctl", mixinStandardHelpOptions = true, version = "mailwardctl 0.1.0",
    description = "Operate a Mailward relay through its admin API.",
    subcommands = {HealthCommand.class, TenantCommands.class, CredentialCommands.class, ConsentCommands.class,
        SuppressionCommands.class, QueueCommands.class, PolicyCommands.class, AuditCommands.class, LockoutCommands.class,
        BreakerCommands.class, DomainCommands.class, DkimCommands.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:done, the answer is negative (import rejected, chain broken, message refused)",
        "2:usage error", "3:the API refused the request (400, 404, 409, 413)",
        "4:not authenticated, not allowed or throttled (401, 403, 429)", "5:server error or unreachable"})
public final class Mailwardctl implements Runnable {
  @Option(names = "--url", description = "admin API base URL (default: $MAILWARDCTL_URL or http://127.0.0.1:9466)")
  String url;

  @Option(names = "--token", description = "admin token (default: $MAILWARDCTL_TOKEN)")
  String token;

  @Option(names = "--token-file", description = "read the admin token from this file")
  Path tokenFile;

  @Option(names = "--cacert", description = "PEM CA certificate(s) to trust for https")
  Path caCert;

  @Option(names = "--json", description = "print the API's JSON instead of tables")
  boolean json;

  @Spec CommandSpec spec;

  final PrintStream out;
  final PrintStream err;

  public Mailwardctl(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line; returns its exit code (for tests and the launcher). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Mailwardctl root = new Mailwardctl(out, err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler((e, line, parse) -> {
      if (e instanceof AdminClient.Failure f) {
        err.println("mailwardctl: " + f.getMessage());
        return f.exitCode;
      }
      err.println("mailwardctl: " + e);
      return 5;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  AdminClient client() {
    String base = url != null ? url : System.getenv().getOrDefault("MAILWARDCTL_URL", "http://127.0.0.1:9466");
    String t = token != null ? token : System.getenv("MAILWARDCTL_TOKEN");
    if (tokenFile != null) {
      try {
        t = Files.readString(tokenFile).trim();
      } catch (java.io.IOException e) {
        throw new AdminClient.Failure(2, "--token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    return new AdminClient(base, t, caCert);
  }

  /** Prints the JSON when --json was given; returns whether it did (the caller prints a table otherwise). */
  boolean printedJson(JsonNode n) {
    if (json) {
      out.println(Json.write(n));
    }
    return json;
  }

  /** The root object, for subcommands at any depth. */
  static Mailwardctl root(CommandSpec spec) {
    return (Mailwardctl) spec.root().userObject();
  }

  /** A command that needs nothing but the root: subclasses implement {@link #call(Mailwardctl, AdminClient)}. */
  abstract static class Sub implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
      Mailwardctl root = root(spec);
      return call(root, root.client());
    }

    abstract int call(Mailwardctl ctl, AdminClient api) throws Exception;
  }
}
