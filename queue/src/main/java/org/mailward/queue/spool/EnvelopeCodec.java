// Compact, versioned binary form of an Envelope for the messages column family.
// Enums are stored by name so reordering an enum never corrupts a spool.
// Does not: encrypt (the envelope holds addresses; the spool directory is the
// operator's to protect, bodies are what is encrypted).
package org.mailward.queue.spool;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;

final class EnvelopeCodec {
  private static final int VERSION = 1;

  private EnvelopeCodec() {}

  static byte[] encode(Envelope e) {
    var bytes = new ByteArrayOutputStream(256);
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(e.id().msb());
      out.writeLong(e.id().lsb());
      str(out, e.tenant().value());
      out.writeBoolean(e.reversePath().isPresent());
      if (e.reversePath().isPresent()) {
        address(out, e.reversePath().get());
      }
      MailParameters p = e.parameters();
      out.writeLong(p.declaredSize());
      str(out, p.body().name());
      out.writeBoolean(p.smtpUtf8());
      out.writeBoolean(p.requireTls());
      opt(out, p.ret().map(Enum::name));
      opt(out, p.envelopeId());
      out.writeInt(e.recipients().size());
      for (Recipient r : e.recipients()) {
        address(out, r.address());
        int bits = 0;
        for (Recipient.Notify n : r.notifyOn()) {
          bits |= 1 << n.ordinal();
        }
        out.writeByte(bits);
        opt(out, r.originalRecipient());
      }
      str(out, e.purpose().name());
      str(out, e.requiredLevel().name());
      str(out, e.fallback().name());
      out.writeInt(e.headerEdits().size());
      for (HeaderEdit h : e.headerEdits()) {
        if (h instanceof HeaderEdit.Add a) {
          out.writeByte('A');
          str(out, a.name());
          str(out, a.value());
        } else if (h instanceof HeaderEdit.Remove r) {
          out.writeByte('D');
          str(out, r.name());
        } else {
          HeaderEdit.Replace r = (HeaderEdit.Replace) h;
          out.writeByte('R');
          str(out, r.name());
          str(out, r.value());
        }
      }
      out.writeBoolean(e.dkimSign());
      out.writeLong(e.receivedAt().getEpochSecond());
      out.writeInt(e.receivedAt().getNano());
      str(out, e.sessionId());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  static Envelope decode(byte[] data, int offset) {
    try (var in = new DataInputStream(new java.io.ByteArrayInputStream(data, offset, data.length - offset))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalStateException("unknown envelope record version " + version);
      }
      MessageId id = new MessageId(in.readLong(), in.readLong());
      TenantId tenant = new TenantId(str(in));
      Optional<EmailAddress> reverse = in.readBoolean() ? Optional.of(address(in)) : Optional.empty();
      MailParameters params = new MailParameters(in.readLong(), MailParameters.BodyType.valueOf(str(in)),
          in.readBoolean(), in.readBoolean(), opt(in).map(MailParameters.DsnReturn::valueOf), opt(in));
      int n = in.readInt();
      List<Recipient> rcpts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        EmailAddress a = address(in);
        int bits = in.readUnsignedByte();
        Set<Recipient.Notify> notify = EnumSet.noneOf(Recipient.Notify.class);
        for (Recipient.Notify k : Recipient.Notify.values()) {
          if ((bits & (1 << k.ordinal())) != 0) {
            notify.add(k);
          }
        }
        rcpts.add(new Recipient(a, notify, opt(in)));
      }
      Purpose purpose = Purpose.valueOf(str(in));
      SecurityLevel level = SecurityLevel.valueOf(str(in));
      TlsFallback fallback = TlsFallback.valueOf(str(in));
      int edits = in.readInt();
      List<HeaderEdit> headerEdits = new ArrayList<>(edits);
      for (int i = 0; i < edits; i++) {
        int tag = in.readUnsignedByte();
        headerEdits.add(switch (tag) {
          case 'A' -> new HeaderEdit.Add(str(in), str(in));
          case 'D' -> new HeaderEdit.Remove(str(in));
          case 'R' -> new HeaderEdit.Replace(str(in), str(in));
          default -> throw new IllegalStateException("unknown header edit tag " + tag);
        });
      }
      boolean dkim = in.readBoolean();
      Instant received = Instant.ofEpochSecond(in.readLong(), in.readInt());
      return new Envelope(id, tenant, reverse, params, rcpts, purpose, level, fallback, headerEdits, dkim, received, str(in));
    } catch (IOException ex) {
      throw new UncheckedIOException("corrupt envelope record", ex);
    }
  }

  private static void address(DataOutputStream out, EmailAddress a) throws IOException {
    str(out, a.localPart());
    str(out, a.domain());
  }

  private static EmailAddress address(DataInputStream in) throws IOException {
    return new EmailAddress(str(in), str(in));
  }

  private static void opt(DataOutputStream out, Optional<String> s) throws IOException {
    out.writeBoolean(s.isPresent());
    if (s.isPresent()) {
      str(out, s.get());
    }
  }

  private static Optional<String> opt(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(str(in)) : Optional.empty();
  }

  static void str(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String str(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
