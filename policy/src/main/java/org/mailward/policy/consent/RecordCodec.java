package org.mailward.policy.consent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.Purpose;

/**
 * Binary forms of the registry's records (format byte first, so they can evolve). Stable across
 * nodes: no node-local data, instants in epoch milliseconds. Not a general serializer.
 */
final class RecordCodec {
  private static final byte FORMAT = 1;

  private RecordCodec() {}

  static byte[] encode(Authorization a) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeLong(a.version());
      out.writeLong(a.updatedAt().toEpochMilli());
      out.writeByte(bits(a.purposes()));
      out.writeLong(a.grantedAt().toEpochMilli());
      out.writeLong(a.expiresAt().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
      out.writeLong(a.revokedAt().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
      out.writeUTF(a.evidence());
      out.writeUTF(a.source());
    });
  }

  static Authorization decodeAuthorization(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      format(in);
      long version = in.readLong();
      Instant updated = Instant.ofEpochMilli(in.readLong());
      Set<Purpose> purposes = purposes(in.readByte());
      Instant granted = Instant.ofEpochMilli(in.readLong());
      Optional<Instant> expires = instant(in.readLong());
      Optional<Instant> revoked = instant(in.readLong());
      return new Authorization(purposes, granted, expires, revoked, in.readUTF(), in.readUTF(), version, updated);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt authorization record", e);
    }
  }

  static byte[] encode(Suppression s) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeLong(s.version());
      out.writeLong(s.updatedAt().toEpochMilli());
      out.writeByte(s.entries().size());
      for (var e : new EnumMap<>(s.entries()).entrySet()) {
        out.writeByte(e.getKey().ordinal());
        out.writeByte(e.getValue().reason().ordinal());
        out.writeLong(e.getValue().at().toEpochMilli());
        out.writeUTF(e.getValue().source());
      }
    });
  }

  static Suppression decodeSuppression(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      format(in);
      long version = in.readLong();
      Instant updated = Instant.ofEpochMilli(in.readLong());
      int count = in.readUnsignedByte();
      Map<Purpose, Suppression.Entry> entries = new EnumMap<>(Purpose.class);
      for (int i = 0; i < count; i++) {
        Purpose p = Purpose.values()[in.readUnsignedByte()];
        SuppressionReason r = SuppressionReason.values()[in.readUnsignedByte()];
        entries.put(p, new Suppression.Entry(r, Instant.ofEpochMilli(in.readLong()), in.readUTF()));
      }
      return new Suppression(entries, version, updated);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt suppression record", e);
    }
  }

  /** A change event: what replication ships (type, tenant, key hash, version, new record). */
  static byte[] change(String type, String tenant, byte[] hash, long version, byte[] record) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeUTF(type);
      out.writeUTF(tenant);
      out.write(hash);
      out.writeLong(version);
      out.writeInt(record.length);
      out.write(record);
    });
  }

  static int bits(Set<Purpose> purposes) {
    int b = 0;
    for (Purpose p : purposes) {
      b |= 1 << p.ordinal();
    }
    return b;
  }

  static Set<Purpose> purposes(int bits) {
    Set<Purpose> set = EnumSet.noneOf(Purpose.class);
    for (Purpose p : Purpose.values()) {
      if ((bits & (1 << p.ordinal())) != 0) {
        set.add(p);
      }
    }
    return set;
  }

  private static Optional<Instant> instant(long millis) {
    return millis == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  private static void format(DataInputStream in) throws IOException {
    int f = in.readUnsignedByte();
    if (f != FORMAT) {
      throw new IOException("unknown record format " + f);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
