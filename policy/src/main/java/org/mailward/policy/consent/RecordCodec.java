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
 *
 * <p>Authorizations: format 2 holds the evidence sealed ({@link EvidenceSeal}, the record's store key
 * as AAD); format 1, written by earlier releases, held it in clear and is still read, until
 * {@link ConsentStore#sealEvidence} has re-written it. Suppressions and change events stay format 1.
 */
final class RecordCodec {
  private static final byte FORMAT = 1;
  private static final byte SEALED_EVIDENCE = 2;
  /** Where an authorization's evidence starts: format, version, updated, purposes, granted, expires, revoked. */
  private static final int EVIDENCE_AT = 1 + 8 + 8 + 1 + 8 + 8 + 8;

  private RecordCodec() {}

  static byte[] encode(Authorization a, EvidenceSeal seal, byte[] storeKey) {
    byte[] evidence = seal.seal(a.evidence(), storeKey);
    return write(out -> {
      out.writeByte(SEALED_EVIDENCE);
      out.writeLong(a.version());
      out.writeLong(a.updatedAt().toEpochMilli());
      out.writeByte(bits(a.purposes()));
      out.writeLong(a.grantedAt().toEpochMilli());
      out.writeLong(a.expiresAt().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
      out.writeLong(a.revokedAt().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
      out.writeInt(evidence.length);
      out.write(evidence);
      out.writeUTF(a.source());
    });
  }

  /**
   * An authorization record stored under {@code storeKey}; its evidence opens with whichever of
   * {@code seals} sealed it (format 2) or is read as written (format 1).
   */
  static Authorization decodeAuthorization(byte[] bytes, byte[] storeKey, EvidenceSeal... seals) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT && format != SEALED_EVIDENCE) {
        throw new IOException("unknown authorization record format " + format);
      }
      long version = in.readLong();
      Instant updated = Instant.ofEpochMilli(in.readLong());
      Set<Purpose> purposes = purposes(in.readByte());
      Instant granted = Instant.ofEpochMilli(in.readLong());
      Optional<Instant> expires = instant(in.readLong());
      Optional<Instant> revoked = instant(in.readLong());
      String evidence;
      if (format == FORMAT) {
        evidence = in.readUTF();
      } else {
        byte[] sealed = in.readNBytes(in.readInt());
        EvidenceSeal seal = java.util.Arrays.stream(seals).filter(s -> s.sealedBy(sealed)).findFirst()
            .orElseThrow(() -> new IllegalStateException("consent evidence sealed under a redactor key not loaded"));
        evidence = seal.open(sealed, storeKey);
      }
      return new Authorization(purposes, granted, expires, revoked, evidence, in.readUTF(), version, updated);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt authorization record", e);
    }
  }

  /** Whether an authorization record's evidence is sealed by {@code seal} (false for format 1: evidence in clear). */
  static boolean sealedBy(byte[] authorization, EvidenceSeal seal) {
    return authorization.length > EVIDENCE_AT + 4 && authorization[0] == SEALED_EVIDENCE
        && seal.sealedBy(java.util.Arrays.copyOfRange(authorization, EVIDENCE_AT + 4, authorization.length));
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

  /** A change event read back (the inverse of {@link #change}). */
  record Change(String type, String tenant, byte[] hash, long version, byte[] record) {}

  static Change change(byte[] bytes, int hashLength) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      format(in);
      String type = in.readUTF();
      String tenant = in.readUTF();
      byte[] hash = in.readNBytes(hashLength);
      long version = in.readLong();
      return new Change(type, tenant, hash, version, in.readNBytes(in.readInt()));
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt change event", e);
    }
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
