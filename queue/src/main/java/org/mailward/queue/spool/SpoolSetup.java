// What the spool takes besides its configuration tree: hooks relay-app wires in
// (a listener for group-sync times, for the fsync latency metric). Does not: carry
// any Micrometer type (the queue module knows no metrics library).
package org.mailward.queue.spool;

import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * @param groupSyncNanos called on the syncer thread with the wall time of each group sync
 *     (body and audit journal force, then the RocksDB write with sync); must be cheap and never block
 */
public record SpoolSetup(LongConsumer groupSyncNanos) {
  public SpoolSetup {
    Objects.requireNonNull(groupSyncNanos, "groupSyncNanos");
  }

  /** No listeners. */
  public static SpoolSetup defaults() {
    return new SpoolSetup(nanos -> { });
  }
}
