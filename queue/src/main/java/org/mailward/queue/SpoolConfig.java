// The queue module's part of the configuration tree: where the spool lives and
// the limits that drive backpressure. Validated on construction; errors name the key.
package org.mailward.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * @param dataDirectory spool root: {@code rocksdb/}, {@code body/} and {@code audit/} live under it
 * @param masterKeyFile the master keyring, created with mode 0600 on first start
 * @param roll how often the body journal starts a new file; finished files are deleted
 * @param maxPendingCommits commits waiting for the group sync before {@code begin} answers Busy
 * @param maxPendingBytes sealed body bytes queued for the writer thread before {@code begin} answers Busy
 * @param minFreeBytes below this much free disk the spool refuses new mail (state FULL)
 * @param frameBytes plaintext bytes per sealed body frame
 * @param durability FSYNC (default): acknowledged only after fdatasync; OS_BUFFERED: only for benchmarks
 * @param freeSpaceCheckInterval how often the writer thread re-reads the free space
 */
public record SpoolConfig(
    Path dataDirectory,
    Path masterKeyFile,
    Roll roll,
    int maxPendingCommits,
    long maxPendingBytes,
    long minFreeBytes,
    int frameBytes,
    Durability durability,
    Duration freeSpaceCheckInterval) {

  public enum Roll { HOURLY, DAILY, FIVE_MINUTELY, SECONDLY_FOR_TESTS }

  public enum Durability { FSYNC, OS_BUFFERED }

  public SpoolConfig {
    Objects.requireNonNull(dataDirectory, "spool.data-directory");
    Objects.requireNonNull(masterKeyFile, "spool.master-key-file");
    Objects.requireNonNull(roll, "spool.roll");
    Objects.requireNonNull(durability, "spool.durability");
    Objects.requireNonNull(freeSpaceCheckInterval, "spool.free-space-check-interval");
    positive(maxPendingCommits, "spool.max-pending-commits");
    positive(maxPendingBytes, "spool.max-pending-bytes");
    if (minFreeBytes < 0) {
      throw new IllegalArgumentException("spool.min-free-bytes must be >= 0");
    }
    if (frameBytes < 512 || frameBytes > (1 << 20)) {
      throw new IllegalArgumentException("spool.frame-bytes must be between 512 and 1048576");
    }
  }

  /** The defaults documented in docs/spool.md, under {@code dataDirectory}. */
  public static SpoolConfig defaults(Path dataDirectory) {
    return new SpoolConfig(dataDirectory, dataDirectory.resolve("master.key"), Roll.HOURLY,
        4096, 256L << 20, 256L << 20, 32 * 1024, Durability.FSYNC, Duration.ofSeconds(1));
  }

  public SpoolConfig withRoll(Roll r) {
    return new SpoolConfig(dataDirectory, masterKeyFile, r, maxPendingCommits, maxPendingBytes, minFreeBytes,
        frameBytes, durability, freeSpaceCheckInterval);
  }

  public SpoolConfig withLimits(int commits, long bytes, long minFree) {
    return new SpoolConfig(dataDirectory, masterKeyFile, roll, commits, bytes, minFree,
        frameBytes, durability, freeSpaceCheckInterval);
  }

  public SpoolConfig withDurability(Durability d) {
    return new SpoolConfig(dataDirectory, masterKeyFile, roll, maxPendingCommits, maxPendingBytes, minFreeBytes,
        frameBytes, d, freeSpaceCheckInterval);
  }

  private static void positive(long v, String key) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be > 0");
    }
  }
}
