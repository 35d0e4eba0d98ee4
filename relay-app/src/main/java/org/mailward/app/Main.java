package org.mailward.app;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import org.mailward.core.auth.PasswordHasher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code mailward} command: start, hash-password, check-config, consent-import, keys. */
@Command(name = "mailward", mixinStandardHelpOptions = true, version = "Mailward 0.1.0",
    description = "Secure mail relay for healthcare email.",
    subcommands = {Main.Start.class, Main.HashPassword.class, Main.CheckConfig.class, ConsentImportCommand.class,
        AdminTokenCommand.class, KeysCommand.class, AuditVerifyCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(name = "start", description = "Start the relay (embedded defaults without --config).")
  static final class Start implements Callable<Integer> {
    @Option(names = "--config", description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() throws Exception {
      MailwardConfig cfg;
      String source = config == null ? "built-in defaults" : config.toString();
      try {
        cfg = new ConfigLoader().load(config, System.getenv());
        LogSetup.apply(cfg.logging());
        Relay relay = Relay.start(cfg, source, System.getenv(), Clock.systemUTC(), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          relay.close();
          stopped.countDown();
        }, "mailward-shutdown"));
        if (config != null) {
          reloadOnHangup(relay, config);
        }
        relay.listeners().forEach((name, addr) ->
            System.out.println("listening: " + name + " " + addr.getHostString() + ":" + addr.getPort()));
        System.out.println("ready");
        System.out.flush();
        stopped.await();
        return 0;
      } catch (ConfigException e) {
        System.err.println("mailward: configuration error: " + e.getMessage());
        return 2;
      }
    }
  }

  /** SIGHUP (systemctl reload): re-reads the file and applies what can change without a restart. */
  @SuppressWarnings("restriction")
  static void reloadOnHangup(Relay relay, Path config) {
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
      try {
        relay.reload(new ConfigLoader().load(config, System.getenv()), config.toString(), System.getenv());
      } catch (ConfigException e) {
        org.slf4j.LoggerFactory.getLogger(Main.class).error("reload refused, the running configuration stays: {}", e.getMessage());
      }
    });
  }

  @Command(name = "hash-password", description = "Read a password (stdin or prompt) and print its Argon2id PHC hash.")
  static final class HashPassword implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      char[] password;
      Console console = System.console();
      if (console != null) {
        password = console.readPassword("password: ");
      } else {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      }
      if (password == null || password.length < 12) {
        System.err.println("mailward: a password needs at least 12 characters");
        return 2;
      }
      System.out.println(new PasswordHasher().hash(password));
      java.util.Arrays.fill(password, '\0');
      return 0;
    }
  }

  @Command(name = "check-config", description = "Validate a configuration file and exit (0 when valid).")
  static final class CheckConfig implements Callable<Integer> {
    @Parameters(index = "0", description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() {
      try {
        MailwardConfig cfg = new ConfigLoader().load(config, System.getenv());
        ConfigCheck.Summary s = ConfigCheck.validate(cfg, config.toString(), System.getenv());
        System.out.println(config + ": valid (" + s.tenants() + " tenants, " + s.routes() + " routes, " + s.dkimKeys()
            + " DKIM keys loaded)");
        return 0;
      } catch (ConfigException e) {
        System.err.println("mailward: configuration error: " + e.getMessage());
        return 2;
      }
    }
  }
}
