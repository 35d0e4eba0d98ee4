// Spool throughput: begin + write a 60 KB body + commit + wait for the durable
// acknowledgement, from as many threads as JMH runs (-t N = N concurrent
// sessions sharing group syncs), with fsync on. Also AES-256-GCM frame sealing
// on its own. msgs/s is the score; MB/s = score x 60 KB.
package org.mailward.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SpoolException;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.crypto.DataKey;
import org.mailward.queue.crypto.FrameCipher;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class SpoolAppendBenchmark {
  static final int BODY_BYTES = 60 * 1024;

  @State(Scope.Benchmark)
  public static class SpoolState {
    @Param({"FSYNC"})
    public String durability;

    Path dir;
    SpoolStorage storage;
    final byte[] body = new byte[BODY_BYTES];
    final SecureRandom random = new SecureRandom();

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("mailward-bench-spool");
      ThreadLocalRandom.current().nextBytes(body);
      SpoolConfig config = SpoolConfig.defaults(dir).withLimits(1 << 16, 1L << 30, 0)
          .withDurability(SpoolConfig.Durability.valueOf(durability));
      storage = RocksChronicleSpool.open(config, Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      storage.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @State(Scope.Thread)
  public static class CipherState {
    /** jdk: SunJCE; accp: AWS-LC installed first, as crypto.provider: auto does (each value runs in its own fork). */
    @Param({"jdk", "accp"})
    public String crypto;
    final byte[] frame = new byte[32 * 1024];
    final byte[] sealed = new byte[32 * 1024 + FrameCipher.TAG_BYTES];
    FrameCipher cipher;
    long index;

    @Setup(Level.Trial)
    public void init() {
      if (crypto.equals("accp")) {
        com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.install();
      }
      SecureRandom r = new SecureRandom();
      r.nextBytes(frame);
      cipher = new FrameCipher(DataKey.generate(r), MessageId.generate(System.currentTimeMillis(), r));
    }
  }

  /** One message accepted and durable; score = messages per second. */
  @Benchmark
  public void appendAndCommit60k(SpoolState s) throws Exception {
    MessageId id = MessageId.generate(System.currentTimeMillis(), s.random);
    MessageWriter w;
    try {
      w = s.storage.spool().begin(id);
    } catch (SpoolException.Busy e) {
      return;
    }
    for (int off = 0; off < BODY_BYTES; off += 16 * 1024) {
      w.write(ByteBuffer.wrap(s.body, off, Math.min(16 * 1024, BODY_BYTES - off)));
    }
    w.commit(envelope(id), List.of()).toCompletableFuture().get();
  }

  /** Sealing one 32 KB frame; score = frames per second (x 32 KB = bytes/s). */
  @Benchmark
  public int sealFrame32k(CipherState c) {
    return c.cipher.seal(c.frame, 0, c.frame.length, c.sealed, c.index++, false);
  }

  static Envelope envelope(MessageId id) {
    return new Envelope(id, new TenantId("bench"), Optional.of(new EmailAddress("sender", "bench.test")),
        MailParameters.defaults(), List.of(Recipient.of(new EmailAddress("rcpt", "dest.test"))), Purpose.TRANSACTIONAL,
        SecurityLevel.ENCRYPT, TlsFallback.DEFER, List.of(), false, Instant.now(), "bench");
  }

  /** Quick run without the shaded jar: {@code java <chronicle flags> -cp ... SpoolAppendBenchmark [threads]}. */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    String flags = System.getProperty("mailward.jvm.flags", "");
    var opts = new OptionsBuilder().include(SpoolAppendBenchmark.class.getSimpleName()).threads(threads)
        .jvmArgsAppend(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().toArray(String[]::new));
    if (!flags.isBlank()) {
      opts.jvmArgsAppend(flags.trim().split("\\s+"));
    }
    new Runner(opts.build()).run();
  }
}
