// What the spool takes besides its configuration tree: where the audit chain's
// HMAC key lives (apart from the journal) and hooks relay-app wires in (a listener
// for group-sync times, for the fsync latency metric). Does not: carry any
// Micrometer type (the queue module knows no metrics library).
package org.mailward.queue.spool;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.mailward.queue.SpoolConfig;

/**
 * @param auditKeyFile the audit chain's HMAC key (AuditKey), created on first start
 * @param groupSyncNanos called on the syncer thread with the wall time of each group sync
 *     (body and audit journal force, then the RocksDB write with sync); must be cheap and never block
 */
public record SpoolSetup(Path auditKeyFile, LongConsumer groupSyncNanos) {
  public SpoolSetup {
    Objects.requireNonNull(auditKeyFile, "auditKeyFile");
    Objects.requireNonNull(groupSyncNanos, "groupSyncNanos");
  }

  /** The audit key beside the master key, no listeners. */
  public static SpoolSetup defaults(SpoolConfig config) {
    return new SpoolSetup(defaultAuditKey(config), nanos -> { });
  }

  /** {@code audit.key} in the master key's directory (dataDir/keys in the relay's defaults). */
  public static Path defaultAuditKey(SpoolConfig config) {
    return config.masterKeyFile().toAbsolutePath().resolveSibling("audit.key");
  }
}
