// Canonical encoding of an audit event (what the hash chain covers) and the
// stored excerpt: [seq][canonical length][canonical][previous hash][hash].
// Canonical: seq | epochSecond | nano | type | messageId? | tenant? | sorted facts.
// The chain link is an HMAC-SHA-256 under the audit key (AuditKey), not a plain hash,
// so that a complete rewrite of the journal cannot produce a chain that verifies.
package org.mailward.queue.spool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import org.mailward.api.AuditEvent;
import org.mailward.api.MessageId;
import org.mailward.api.TenantId;

final class AuditCodec {
  static final int HASH_BYTES = 32;

  private AuditCodec() {}

  static byte[] canonical(long seq, AuditEvent e) {
    var bytes = new ByteArrayOutputStream(128);
    try (var out = new DataOutputStream(bytes)) {
      out.writeLong(seq);
      out.writeLong(e.at().getEpochSecond());
      out.writeInt(e.at().getNano());
      EnvelopeCodec.str(out, e.type());
      out.writeBoolean(e.messageId().isPresent());
      if (e.messageId().isPresent()) {
        out.writeLong(e.messageId().get().msb());
        out.writeLong(e.messageId().get().lsb());
      }
      out.writeBoolean(e.tenant().isPresent());
      if (e.tenant().isPresent()) {
        EnvelopeCodec.str(out, e.tenant().get().value());
      }
      out.writeInt(e.facts().size());
      for (var f : e.facts().entrySet()) { // sorted: AuditEvent keeps a TreeMap
        EnvelopeCodec.str(out, f.getKey());
        EnvelopeCodec.str(out, f.getValue());
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  static AuditEvent event(byte[] canonical) {
    try (var in = new DataInputStream(new ByteArrayInputStream(canonical))) {
      in.readLong();
      Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
      String type = EnvelopeCodec.str(in);
      Optional<MessageId> id = in.readBoolean() ? Optional.of(new MessageId(in.readLong(), in.readLong())) : Optional.empty();
      Optional<TenantId> tenant = in.readBoolean() ? Optional.of(new TenantId(EnvelopeCodec.str(in))) : Optional.empty();
      int n = in.readInt();
      Map<String, String> facts = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        facts.put(EnvelopeCodec.str(in), EnvelopeCodec.str(in));
      }
      return new AuditEvent(at, type, id, tenant, facts);
    } catch (IOException ex) {
      throw new UncheckedIOException("corrupt audit record", ex);
    }
  }

  /** The record's link: HMAC-SHA-256 under the audit key of (previous MAC || canonical event). */
  static byte[] chain(Mac mac, byte[] previousHash, byte[] canonical) {
    mac.update(previousHash);
    return mac.doFinal(canonical);
  }
}
