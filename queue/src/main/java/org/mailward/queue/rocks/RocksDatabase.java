// One RocksDB instance with Mailward's column families. Opens, hands out handles,
// closes. It knows nothing of what the families hold; the spool, the audit index
// and the key-value store each own the layout of their own family.
package org.mailward.queue.rocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteOptions;

public final class RocksDatabase implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  /** The column families, each with its own key layout (see the owning class). */
  public enum Family {
    /** KeyValueStore namespaces: [nsLen][ns][key]. Owner: RocksKeyValueStore. */
    KV("kv"),
    /** messageId → message record (envelope, chunk positions, size). */
    MESSAGES("messages"),
    /** messageId → wrapped data key. Kept apart so deleting it shreds the body. */
    KEYS("keys"),
    /** messageId → per-recipient states. */
    STATUS("status"),
    /** dueMillis|messageId|index → attempts|domain. */
    DUE("due"),
    /** audit journal indexes by time and by message id. */
    AUDIT("audit"),
    /** name → spool-wide counter: little-endian uint64, updated with merge (UInt64AddOperator). */
    META("meta");

    final String cfName;

    Family(String cfName) {
      this.cfName = cfName;
    }
  }

  private final RocksDB db;
  private final DBOptions options;
  private final ColumnFamilyOptions cfOptions;
  private final ColumnFamilyOptions metaOptions;
  private final UInt64AddOperator addOperator;
  private final WriteOptions syncWrite;
  private final List<ColumnFamilyHandle> handles;
  private final Map<Family, ColumnFamilyHandle> byFamily = new EnumMap<>(Family.class);

  private RocksDatabase(RocksDB db, DBOptions options, ColumnFamilyOptions cfOptions, ColumnFamilyOptions metaOptions,
      UInt64AddOperator addOperator, List<ColumnFamilyHandle> handles) {
    this.db = db;
    this.options = options;
    this.cfOptions = cfOptions;
    this.metaOptions = metaOptions;
    this.addOperator = addOperator;
    this.handles = handles;
    this.syncWrite = new WriteOptions().setSync(true);
    Family[] families = Family.values();
    for (int i = 0; i < families.length; i++) {
      byFamily.put(families[i], handles.get(i + 1));
    }
  }

  /** Opens (creating if needed) the database in {@code directory}. */
  public static RocksDatabase open(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setKeepLogFileNum(4).setMaxTotalWalSize(64L << 20);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
    UInt64AddOperator addOperator = new UInt64AddOperator();
    ColumnFamilyOptions metaOptions = new ColumnFamilyOptions().setMergeOperator(addOperator);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Family f : Family.values()) {
      descriptors.add(new ColumnFamilyDescriptor(f.cfName.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          f == Family.META ? metaOptions : cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles);
      return new RocksDatabase(db, options, cfOptions, metaOptions, addOperator, handles);
    } catch (RocksDBException e) {
      options.close();
      cfOptions.close();
      metaOptions.close();
      addOperator.close();
      throw new IllegalStateException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
    }
  }

  public RocksDB db() {
    return db;
  }

  /** Every column family's handle, the default one included. */
  public List<ColumnFamilyHandle> handles() {
    return List.copyOf(handles);
  }

  public ColumnFamilyHandle handle(Family family) {
    return byFamily.get(family);
  }

  /** Write options with {@code sync=true}: the WAL is fsynced before the write returns. */
  public WriteOptions syncWrite() {
    return syncWrite;
  }

  @Override
  public void close() {
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    syncWrite.close();
    options.close();
    cfOptions.close();
    metaOptions.close();
    addOperator.close();
  }
}
