// What relay-testkit's MemorySpool costs per message in DeliveryThroughputBench, which
// uses it: a message is added, claimed (in claims of 100, oldest due first) and settled
// as delivered — everything the delivery bench asks of its spool, and the add, which it
// does before its clock starts. The score is messages/s; against the delivery bench's
// few thousand messages/s it says whether the spool shows in that figure (it does not:
// docs/performance.md). Does not measure the real spool (SpoolAppendBenchmark does).
package org.mailward.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFacts;
import org.mailward.api.TlsFallback;
import org.mailward.testkit.MemorySpool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = "-Xmx512m")
@State(Scope.Benchmark)
public class TestSpoolCostBenchmark {
  static final int BATCH = 100;
  /** A fresh spool every this many batches: the test spool keeps what it saw, for assertions. */
  static final int SPOOL_LIFE = 200;

  final Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
  final SecureRandom random = new SecureRandom();
  final byte[] body = new byte[4096];
  final RecipientOutcome delivered = new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "Ok"),
      new TlsFacts("mx.d0.bench", Optional.of("TLSv1.3"), Optional.of("TLS_AES_128_GCM_SHA256"), true, "pkix-ok",
          SecurityLevel.ENCRYPT, "tenant"));
  /** Built once (ids cost a SecureRandom draw each); every spool life adds each of them once. */
  final List<Envelope> envelopes = new ArrayList<>();
  MemorySpool spool;
  int batches;

  @Setup
  public void setUp() {
    for (int i = 0; i < BATCH * SPOOL_LIFE; i++) {
      EmailAddress rcpt = new EmailAddress("r" + i, "d" + (i % 4) + ".bench");
      envelopes.add(new Envelope(MessageId.generate(clock.millis(), random), new TenantId("bench"),
          Optional.of(new EmailAddress("sender", "clinic.bench")), MailParameters.defaults(), List.of(Recipient.of(rcpt)),
          Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.DEFER, List.of(), false, clock.instant(), "bench"));
    }
    spool = new MemorySpool(clock);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int addClaimAndSettle() {
    int life = batches++ % SPOOL_LIFE;
    if (life == 0) {
      spool = new MemorySpool(clock);
    }
    for (int i = life * BATCH; i < (life + 1) * BATCH; i++) {
      spool.add(envelopes.get(i), body);
    }
    List<Spool.DueRecipient> due = spool.claimDue(clock.instant(), BATCH);
    List<Spool.Settlement> done = new ArrayList<>(due.size());
    for (Spool.DueRecipient d : due) {
      done.add(new Spool.Settlement(d.ref(), delivered));
    }
    spool.settle(done);
    return due.size();
  }
}
