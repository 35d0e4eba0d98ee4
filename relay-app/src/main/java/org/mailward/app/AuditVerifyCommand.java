// bin/mailward audit-verify: re-computes the audit journal's HMAC chain from the
// journal files alone (read-only; the relay may be running) under the audit key,
// and optionally compares an auditor's checkpoint (sequence:MAC noted earlier), so
// a journal that was edited, rewritten or cut back behind the checkpoint fails.
// Does not: open RocksDB or the spool, or repair anything.
package org.mailward.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.ConfigLoader;
import org.mailward.app.config.MailwardConfig;
import org.mailward.queue.spool.AuditKey;
import org.mailward.queue.spool.ChronicleAuditJournal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Exit 0: the chain verifies (and the checkpoint matches); 1: it does not; 2: bad configuration or key. */
@Command(name = "audit-verify", description = "Verify the audit journal's HMAC chain (exit 0 intact, 1 broken).")
final class AuditVerifyCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML configuration file (built-in defaults without it)")
  Path config;

  @Option(names = "--key", description = "audit key file (default: spool.auditKey of the configuration)")
  Path key;

  @Option(names = "--expect", description = "a checkpoint SEQ:MAC printed by an earlier run; fails if that record changed or is gone")
  String expect;

  @Override
  public Integer call() {
    String source = config == null ? "built-in defaults" : config.toString();
    try {
      MailwardConfig cfg = new ConfigLoader().load(config, System.getenv());
      ModuleConfigs modules = new ModuleConfigs(cfg, source, System.getenv());
      Path keyFile = key != null ? key : modules.auditKey();
      AuditKey auditKey = AuditKey.load(keyFile);
      Optional<Long> checkpointSeq = Optional.empty();
      byte[] checkpointMac = null;
      if (expect != null) {
        String[] parts = expect.split(":");
        if (parts.length != 2) {
          System.err.println("mailward: --expect takes SEQ:MAC as printed by audit-verify");
          return 2;
        }
        checkpointSeq = Optional.of(Long.parseLong(parts[0]));
        checkpointMac = HexFormat.of().parseHex(parts[1]);
      }
      Path journal = modules.spool().dataDirectory().resolve("audit");
      var v = ChronicleAuditJournal.verify(journal, auditKey, checkpointSeq);
      if (v.brokenAt().isPresent()) {
        System.out.println("audit chain BROKEN at record " + v.brokenAt().get() + " (" + v.records()
            + " records before it verify) in " + journal);
        return 1;
      }
      if (checkpointSeq.isPresent() && (v.checkpoint().isEmpty()
          || !java.security.MessageDigest.isEqual(v.checkpoint().get(), checkpointMac))) {
        System.out.println("audit checkpoint " + expect + " NOT FOUND: the journal was rewritten or cut back ("
            + v.records() + " records verify)");
        return 1;
      }
      System.out.println("audit chain intact: " + v.records() + " records; checkpoint " + v.headSequence() + ":"
          + HexFormat.of().formatHex(v.headMac()));
      return 0;
    } catch (ConfigException e) {
      System.err.println("mailward: configuration error: " + e.getMessage());
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("mailward: audit key: " + e.getMessage());
      return 2;
    }
  }
}
