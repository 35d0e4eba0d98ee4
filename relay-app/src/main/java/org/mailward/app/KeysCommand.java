package org.mailward.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import org.mailward.policy.PolicyConfig;
import org.mailward.queue.crypto.MasterKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailward keys}: key rotation (docs/spool.md "Master key rotation",
 * docs/configuration.md "Keys"). rotate-master and rotate-policy only change a key file,
 * atomically and under its lock, so they may run while the relay runs (the running relay,
 * or the next start, re-wraps data keys in the background). rotate-redactor re-keys the
 * consent registry and needs the relay stopped ({@link RedactorRotation}).
 */
@Command(name = "keys", description = "Rotate the master key, the unsubscribe-token secret or the redactor key.",
    subcommands = {KeysCommand.RotateMaster.class, KeysCommand.RotatePolicy.class, KeysCommand.RotateRedactor.class})
final class KeysCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Shared: load the configuration, or print the error and give exit code 2. */
  abstract static class WithConfig implements Callable<Integer> {
    @Option(names = "--config", description = "YAML configuration file (the relay's)")
    Path config;

    @Override
    public Integer call() throws Exception {
      String source = config == null ? "built-in defaults" : config.toString();
      try {
        MailwardConfig cfg = new ConfigLoader().load(config, System.getenv());
        return run(new ModuleConfigs(cfg, source, System.getenv()));
      } catch (ConfigException e) {
        System.err.println("mailward: configuration error: " + e.getMessage());
        return 2;
      }
    }

    abstract int run(ModuleConfigs modules) throws Exception;
  }

  @Command(name = "rotate-master", description = "Start a new master key for new messages; existing data keys are "
      + "re-wrapped in the background and the old key is destroyed when nothing refers to it.")
  static final class RotateMaster extends WithConfig {
    @Override
    int run(ModuleConfigs modules) {
      MasterKey ring = modules.masterKeyring();
      String old = ring.activeKeyId();
      try {
        String fresh = ring.rotate();
        System.out.printf("master key %s is active for new messages (was %s) in %s.%n", fresh, old, ring.describeSource());
        System.out.println("A running relay switches within spool.masterKeyCheckInterval; a stopped one at its next start.");
        System.out.println("Existing data keys are re-wrapped in the background; the old key is destroyed once none refers to it.");
        return 0;
      } catch (UnsupportedOperationException e) {
        System.err.println("mailward: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(name = "rotate-policy", description = "Start a new unsubscribe-token secret; the old one keeps verifying "
      + "links already sent until they expire (the token lifetime).")
  static final class RotatePolicy extends WithConfig {
    @Override
    int run(ModuleConfigs modules) throws Exception {
      var lifetime = PolicyConfig.Global.defaults(new byte[32]).tokenLifetime();
      String id = SecretRing.rotate(modules.tokenSecretFile(), lifetime, Clock.systemUTC());
      System.out.printf("token secret %s is active in %s; the previous one verifies for %d more days.%n", id,
          modules.tokenSecretFile(), lifetime.toDays());
      System.out.println("Restart the relay to sign new links with it.");
      return 0;
    }
  }

  @Command(name = "rotate-redactor", description = "With the relay stopped: re-key the consent and suppression records "
      + "under a new redactor key (addresses from the sealed control-plane log and --addresses), then switch keys. "
      + "Safe to rerun after a crash; the relay refuses to start until it has finished.")
  static final class RotateRedactor extends WithConfig {
    @Option(names = "--addresses", description = "a file of further addresses (any text: CSV, NDJSON, one per line), "
        + "e.g. the ESP's list, for records the control-plane log does not name; read, never stored")
    Path addresses;

    @Option(names = "--allow-unmapped", description = "switch even when records remain whose address nobody supplied "
        + "(they stop matching: a suppressed address could receive mail again)")
    boolean allowUnmapped;

    @Override
    int run(ModuleConfigs modules) throws Exception {
      return switch (new RedactorRotation(modules, System.out).run(java.util.Optional.ofNullable(addresses), allowUnmapped)) {
        case ROTATED -> 0;
        case UNMAPPED_LEFT -> 1;
        case STORE_BUSY -> 3;
      };
    }
  }
}
