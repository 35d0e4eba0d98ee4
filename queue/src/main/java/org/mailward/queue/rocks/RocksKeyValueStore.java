// KeyValueStore on a RocksDB column family. Namespaces are a key prefix
// ([length byte][UTF-8 name]), so namespaces never overlap and need no set-up.
//
// Cost: get is a memtable/block-cache lookup (microseconds; a disk read on a
// cache miss). write fsyncs the WAL once per batch (~1 ms here): batch your
// operations. scan is an ordered iterator, bounded to the namespace.
// purgeOverwritten (not on the port: only relay-app's migrations call it) makes
// values overwritten or deleted in a namespace leave the files: seconds of I/O.
package org.mailward.queue.rocks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.mailward.api.KeyValueStore;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

public final class RocksKeyValueStore implements KeyValueStore, AutoCloseable {
  private final RocksDatabase database;
  private final ColumnFamilyHandle family;
  private final boolean owned;

  /** Shares {@code database} (the spool's instance); {@link #close()} leaves it open. */
  public RocksKeyValueStore(RocksDatabase database) {
    this(database, false);
  }

  private RocksKeyValueStore(RocksDatabase database, boolean owned) {
    this.database = database;
    this.family = database.handle(RocksDatabase.Family.KV);
    this.owned = owned;
  }

  /** A store with its own database in {@code directory} (tests, tools); close it when done. */
  public static RocksKeyValueStore open(Path directory) {
    return new RocksKeyValueStore(RocksDatabase.open(directory), true);
  }

  @Override
  public Optional<byte[]> get(String namespace, byte[] key) {
    try {
      return Optional.ofNullable(database.db().get(family, fullKey(namespace, key)));
    } catch (RocksDBException e) {
      throw new IllegalStateException("key-value read failed in namespace " + namespace, e);
    }
  }

  @Override
  public void write(Batch batch) {
    try (WriteBatch wb = new WriteBatch()) {
      for (Op op : batch.ops()) {
        if (op instanceof Op.Put put) {
          wb.put(family, fullKey(put.namespace(), put.key()), put.value());
        } else {
          Op.Delete del = (Op.Delete) op;
          wb.delete(family, fullKey(del.namespace(), del.key()));
        }
      }
      database.db().write(database.syncWrite(), wb);
    } catch (RocksDBException e) {
      throw new IllegalStateException("key-value batch failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void scan(String namespace, byte[] fromInclusive, byte[] toExclusive, Visitor visitor) {
    byte[] prefix = prefix(namespace);
    byte[] upper = toExclusive == null ? KeyBytes.successor(prefix) : concat(prefix, toExclusive);
    try (Slice bound = upper == null ? null : new Slice(upper);
        ReadOptions ro = new ReadOptions()) {
      if (bound != null) {
        ro.setIterateUpperBound(bound);
      }
      try (RocksIterator it = database.db().newIterator(family, ro)) {
        for (it.seek(concat(prefix, fromInclusive)); it.isValid(); it.next()) {
          byte[] k = it.key();
          if (!visitor.visit(Arrays.copyOfRange(k, prefix.length, k.length), it.value())) {
            return;
          }
        }
      }
    }
  }

  /**
   * Makes what was overwritten or deleted in {@code namespaces} leave RocksDB's files: flushes every
   * column family (memtables to SST files, so the WAL files that held the old values become obsolete
   * and RocksDB deletes them), then compacts each namespace's key range down to the bottommost level
   * (CompactRangeOptions kForce), so the SST files that held old versions are rewritten without them
   * and deleted. No snapshot is held by Mailward, so nothing keeps an old version alive. For migrations
   * that rewrite records in place (run them first); blocking, seconds of I/O on a large store. Does not
   * wipe the freed disk blocks (that is the filesystem's business) nor the block cache in memory.
   */
  public void purgeOverwritten(java.util.Collection<String> namespaces) {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
        CompactRangeOptions compact = new CompactRangeOptions()
            .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)) {
      for (ColumnFamilyHandle h : database.handles()) {
        database.db().flush(flush, h);
      }
      for (String ns : namespaces) {
        byte[] prefix = prefix(ns);
        byte[] end = KeyBytes.successor(prefix);
        database.db().compactRange(family, prefix, end, compact);
      }
      database.db().flushWal(true);
    } catch (RocksDBException e) {
      throw new IllegalStateException("compaction of " + namespaces + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (owned) {
      database.close();
    }
  }

  private static byte[] fullKey(String namespace, byte[] key) {
    return concat(prefix(namespace), key);
  }

  private static byte[] prefix(String namespace) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    if (ns.length == 0 || ns.length > 255) {
      throw new IllegalArgumentException("namespace must have 1 to 255 bytes");
    }
    byte[] p = new byte[ns.length + 1];
    p[0] = (byte) ns.length;
    System.arraycopy(ns, 0, p, 1, ns.length);
    return p;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
