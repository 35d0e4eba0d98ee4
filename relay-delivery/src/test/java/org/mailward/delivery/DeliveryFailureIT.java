package org.mailward.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditEvent;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.Envelope;
import org.mailward.api.MessageFinisher;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.TestCa;

/**
 * No silent failure on the delivery path, against a real aiosmtpd receiver over
 * STARTTLS: a fault injected into the body read in the middle of DATA ends that
 * transaction (the connection is closed, nothing half-sent is completed), the
 * recipient is deferred with reason {@code body-read-failed}, the attempt's
 * audit record says so, exactly one {@code mailward.delivery} line names the
 * message, relay and reason (no address), and the counter moves; the other
 * message of the same batch still goes out on a fresh connection.
 */
class DeliveryFailureIT {
  @TempDir static Path work;
  static TestCa ca;
  static Receiver receiver;

  @BeforeAll
  static void peers() throws Exception {
    ca = TestCa.create("failure-test-ca");
    receiver = Receiver.start(work, "127.0.0.2", Optional.of(ca.issue("mx.faults.test")), "ok");
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  /** Passes the body through, but the body of a message whose text holds {@code FAULT} fails after 64 KiB. */
  static final class FaultyFinisher implements MessageFinisher {
    @Override
    public Prepared prepare(Envelope envelope, org.mailward.api.BodySource body) {
      return out -> {
        try (InputStream in = new FailingAfter(body.open(), 64 * 1024)) {
          in.transferTo(out);
        }
      };
    }
  }

  static final class FailingAfter extends FilterInputStream {
    private final long limit;
    private long read;
    private boolean faulty;

    FailingAfter(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, Math.min(len, 8192));
      if (n > 0 && new String(b, off, n, StandardCharsets.ISO_8859_1).contains("FAULT")) {
        faulty = true;
      }
      read += Math.max(n, 0);
      if (faulty && read > limit) {
        throw new IOException("injected: spool read failed");
      }
      return n;
    }
  }

  private static byte[] largeBody(String marker) {
    StringBuilder sb = new StringBuilder(new String(Mail.body(marker), StandardCharsets.US_ASCII));
    for (int i = 0; sb.length() < 300 * 1024; i++) {
      sb.append("filler line ").append(i).append(" of a report\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aBodyReadFaultDuringData_defersWithItsReason_isAuditedAndLoggedOnce_andTheRestOfTheBatchIsDelivered() throws Exception {
    DeliveryConfig config = TestConfigs.base(ca.writeCaPem(work.resolve("ca.pem")), Map.of("faults.test", "[127.0.0.2]:" + receiver.port()),
        9);
    MemorySpool spool = new MemorySpool(Clock.systemUTC());
    MemoryAuditJournal audit = new MemoryAuditJournal();
    Envelope faulty = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, "jane.doe@faults.test");
    Envelope fine = Mail.envelope(Instant.now(), SecurityLevel.ENCRYPT, "john.roe@faults.test");
    spool.add(faulty, largeBody("FAULT-" + faulty.id()));
    spool.add(fine, largeBody("fine-" + fine.id()));

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
    DeliveryService service = new DeliveryService(config, spool, audit, new FaultyFinisher(), Optional.empty(),
        new Redactor("0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII)), Clock.systemUTC());
    try {
      service.start();
      Await.until(Duration.ofSeconds(30), () -> spool.outcome(faulty.ref(0)).isPresent() && spool.outcome(fine.ref(0)).isPresent(),
          "both settled");
    } finally {
      service.stop();
      System.setErr(original);
    }

    RecipientOutcome.Deferred d = (RecipientOutcome.Deferred) spool.outcome(faulty.ref(0)).orElseThrow();
    assertThat(d.reason().kind()).isEqualTo(DeliveryFailure.Kind.BODY_READ_FAILED);
    assertThat(d.reason().label()).isEqualTo("body-read-failed:IOException");
    assertThat(spool.outcome(fine.ref(0)).orElseThrow()).isInstanceOf(RecipientOutcome.Delivered.class);
    assertThat(receiver.messages()).noneMatch(m -> m.contains("FAULT-" + faulty.id())).anyMatch(m -> m.contains("fine-" + fine.id()));

    List<AuditEvent> attempts = audit.of(faulty.id()).stream().filter(e -> e.type().equals("delivery.attempt")).toList();
    assertThat(attempts).singleElement().satisfies(e -> assertThat(e.facts())
        .containsEntry("outcome", "failed").containsEntry("reason", "body-read-failed:IOException").containsEntry("mx", "127.0.0.2"));

    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("mailward.delivery")).toList();
    List<String> mine = lines.stream().filter(l -> l.contains("msgid=" + faulty.id())).toList();
    assertThat(mine).singleElement().satisfies(l -> assertThat(l).contains("WARN").contains("relay=127.0.0.2[127.0.0.2]:" + receiver.port())
        .contains("status=deferred").contains("reason=body-read-failed:IOException").contains("rcpts=1").contains("tls=TLSv1."));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("msgid=" + fine.id()).contains("status=sent (250 2.0.0"));
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("@").doesNotContain("jane").doesNotContain("Appointment"));
    assertThat(spool.settled()).as("each recipient settled once").hasSize(2);
  }

  /** Writes to two streams (the console and the capture). */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
