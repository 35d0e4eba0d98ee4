// Binary keys of the spool's column families. Big-endian, so RocksDB's byte
// order is time order for the due index (dueMillis|messageId|index).
package org.mailward.queue.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientRef;

final class SpoolKeys {
  static final int DUE_KEY_BYTES = 8 + 16 + 4;

  private SpoolKeys() {}

  static byte[] message(MessageId id) {
    return id.toBytes();
  }

  static MessageId messageId(byte[] key) {
    return MessageId.fromBytes(key);
  }

  static byte[] due(long dueMillis, RecipientRef ref) {
    return ByteBuffer.allocate(DUE_KEY_BYTES).putLong(dueMillis)
        .putLong(ref.messageId().msb()).putLong(ref.messageId().lsb()).putInt(ref.index()).array();
  }

  /** Upper bound (exclusive) of due keys at or before {@code nowMillis}. */
  static byte[] dueUpTo(long nowMillis) {
    return ByteBuffer.allocate(8).putLong(nowMillis + 1).array();
  }

  static long dueMillis(byte[] key) {
    return ByteBuffer.wrap(key).getLong();
  }

  static RecipientRef dueRef(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key, 8, DUE_KEY_BYTES - 8);
    return new RecipientRef(new MessageId(b.getLong(), b.getLong()), b.getInt());
  }

  static byte[] dueValue(int attempts, String domain) {
    byte[] d = domain.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + d.length).putInt(attempts).put(d).array();
  }

  static int dueAttempts(byte[] value) {
    return ByteBuffer.wrap(value).getInt();
  }

  static String dueDomain(byte[] value) {
    return new String(value, 4, value.length - 4, StandardCharsets.UTF_8);
  }
}
