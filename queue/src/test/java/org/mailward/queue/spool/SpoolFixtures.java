package org.mailward.queue.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.mailward.api.BodySource;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;

/** Envelopes, bodies and a settable clock for spool tests. */
final class SpoolFixtures {
  private SpoolFixtures() {}

  static Envelope envelope(MessageId id, int recipients) {
    List<Recipient> rcpts = new ArrayList<>();
    for (int i = 0; i < recipients; i++) {
      rcpts.add(new Recipient(new EmailAddress("patient" + i, "clinic" + (i % 3) + ".test"),
          i == 0 ? Set.of(Recipient.Notify.SUCCESS, Recipient.Notify.FAILURE) : Set.of(),
          i == 1 ? Optional.of("rfc822;x@y.test") : Optional.empty()));
    }
    return new Envelope(id, new TenantId("acme"), Optional.of(new EmailAddress("sender", "acme.test")),
        new MailParameters(1234, MailParameters.BodyType.EIGHT_BIT_MIME, true, true,
            Optional.of(MailParameters.DsnReturn.HDRS), Optional.of("env-1")),
        rcpts, Purpose.TREATMENT, SecurityLevel.VERIFY, TlsFallback.PORTAL,
        List.of(new HeaderEdit.Add("X-A", "1"), new HeaderEdit.Remove("X-B"), new HeaderEdit.Replace("Subject", "s")),
        true, Instant.parse("2026-11-02T10:15:30.123456789Z"), "sess-1");
  }

  /** A deterministic body of {@code size} bytes that starts with a marker line. */
  static byte[] body(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    byte[] marker = ("PLAINTEXT-MARKER-" + seed + "\r\n").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(marker, 0, b, 0, Math.min(marker.length, size));
    return b;
  }

  /** Writes {@code body} in random-sized chunks. */
  static void writeChunks(MessageWriter w, byte[] body, Random random) {
    int pos = 0;
    while (pos < body.length) {
      int n = Math.min(body.length - pos, 1 + random.nextInt(20_000));
      w.write(ByteBuffer.wrap(body, pos, n));
      pos += n;
    }
  }

  static byte[] readAll(BodySource source) {
    try (InputStream in = source.open()) {
      var out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


  static void await(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
