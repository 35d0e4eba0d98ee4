package org.mailward.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import org.mailward.policy.ConsentPolicyEngine;
import org.mailward.policy.consent.ConsentImporter;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mailward consent-import}: loads authorizations from a CSV or NDJSON file
 * into a node's consent registry, all or nothing (docs/policy.md, "Bulk import").
 * Runs while the relay is stopped (the store allows one process); the admin API
 * will offer the same import on a running relay.
 */
@Command(name = "consent-import", description = "Import authorizations (CSV or NDJSON) for a tenant; the relay must be stopped.")
final class ConsentImportCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML configuration file (the relay's)")
  Path config;

  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--format", description = "csv or ndjson (default: from the file name)")
  String format;

  @Parameters(index = "0", description = "the file to import")
  Path file;

  @Override
  public Integer call() throws Exception {
    String source = config == null ? "built-in defaults" : config.toString();
    MailwardConfig cfg;
    try {
      cfg = new ConfigLoader().load(config, System.getenv());
    } catch (ConfigException e) {
      System.err.println("mailward: configuration error: " + e.getMessage());
      return 2;
    }
    ConsentImporter.Format fmt = format != null ? ConsentImporter.Format.valueOf(format.toUpperCase(Locale.ROOT))
        : file.toString().endsWith(".csv") ? ConsentImporter.Format.CSV : ConsentImporter.Format.NDJSON;
    ModuleConfigs modules = new ModuleConfigs(cfg, source, System.getenv());
    Relay.Secrets secrets;
    try {
      secrets = Relay.Secrets.load(cfg, modules);
    } catch (ConfigException e) { // e.g. an unfinished redactor-key rotation
      System.err.println("mailward: configuration error: " + e.getMessage());
      return 2;
    }
    SpoolStorage storage;
    try {
      storage = RocksChronicleSpool.open(modules.spool(), Clock.systemUTC(),
          new org.mailward.queue.spool.SpoolSetup(modules.auditKey(), n -> { }), modules.masterKeyring(),
          DataKeyRewrapper.Settings.dormant());
    } catch (RuntimeException e) {
      System.err.println("mailward: cannot open the store under " + modules.dataDir()
          + " (is the relay running? stop it first): " + e.getMessage());
      return 3;
    }
    ExecutorService pool = Relay.named("mailward-import", 1);
    try (storage) {
      var engine = new ConsentPolicyEngine(modules.policy(secrets.tokenSecrets()), storage.keyValueStore(), secrets.redactor(),
          Clock.systemUTC(), pool);
      var report = engine.importer().importFile(new TenantId(tenant), file, fmt,
          (phase, rows) -> System.err.printf("%s: %d rows%n", phase.name().toLowerCase(Locale.ROOT), rows));
      report.errors().forEach(e -> System.out.printf("line %d: %s%n", e.line(), e.reason()));
      System.out.printf("import %s: %s, %d rows, %d written, %d kept revoked, %d bad rows%n", report.importId(),
          report.imported() ? "imported" : "NOT imported (nothing written)", report.rows(), report.written(),
          report.keptRevoked(), report.errorCount());
      return report.imported() ? 0 : 1;
    } finally {
      pool.shutdownNow();
    }
  }
}
