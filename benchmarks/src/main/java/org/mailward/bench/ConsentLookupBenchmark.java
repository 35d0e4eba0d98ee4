// Consent lookups per second on the RCPT path with a warm cache (the hit path
// every pipelined burst takes after the first message): onRecipient through the
// real ConsentPolicyEngine, over 10,000 recipients with authorizations in a real
// RocksDB store in a temp dir. The score is lookups/s per thread.
package org.mailward.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.Transaction;
import org.mailward.policy.ConsentPolicyEngine;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.queue.rocks.RocksKeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class ConsentLookupBenchmark {
  static final int RECIPIENTS = 10_000;

  Path dir;
  RocksKeyValueStore kv;
  ExecutorService executor;
  ConsentPolicyEngine engine;
  Transaction transaction;
  Recipient[] recipients;

  @Setup
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("consent-bench");
    kv = RocksKeyValueStore.open(dir);
    executor = Executors.newFixedThreadPool(2);
    engine = new ConsentPolicyEngine(PolicyBenchData.config(), kv, PolicyBenchData.REDACTOR,
        Clock.fixed(PolicyBenchData.NOW, ZoneOffset.UTC), executor);
    transaction = PolicyBenchData.transaction();
    recipients = new Recipient[RECIPIENTS];
    for (int i = 0; i < RECIPIENTS; i++) {
      EmailAddress a = EmailAddress.parse("patient" + i + "@example.net", false).orElseThrow();
      recipients[i] = Recipient.of(a);
      if (i % 2 == 0) {
        engine.registry().grant(PolicyBenchData.TENANT, a, new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
            PolicyBenchData.NOW.minusSeconds(3600), Optional.of(PolicyBenchData.NOW.plusSeconds(86_400)), "doc", "bench"));
      }
    }
    for (Recipient r : recipients) {
      engine.onRecipient(transaction, r).toCompletableFuture().join(); // warm the cache
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public RecipientVerdict lookupCached(Cursor cursor) {
    int i = cursor.next++ % RECIPIENTS;
    return engine.onRecipient(transaction, recipients[i]).toCompletableFuture().join();
  }

  @TearDown
  public void tearDown() throws Exception {
    executor.shutdownNow();
    kv.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
