// Full policy evaluation for one marketing message with one authorized
// recipient: onRecipient (cache hit) + inspect + feed the ~60 KB HTML body in
// 8 KB chunks + finish (mime4j parse, PHI scan, purpose, unsubscribe token and
// headers). The executor runs tasks inline so the score is the CPU cost of one
// message on one core: messages/s.
package org.mailward.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mailward.api.EmailAddress;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
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
public class PolicyEvaluationBenchmark {
  Path dir;
  RocksKeyValueStore kv;
  ConsentPolicyEngine engine;
  Transaction transaction;
  Recipient recipient;
  byte[] message;

  @Setup
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("policy-bench");
    kv = RocksKeyValueStore.open(dir);
    engine = new ConsentPolicyEngine(PolicyBenchData.config(), kv, PolicyBenchData.REDACTOR,
        Clock.fixed(PolicyBenchData.NOW, ZoneOffset.UTC), Runnable::run);
    transaction = PolicyBenchData.transaction();
    EmailAddress a = EmailAddress.parse("pat@example.net", false).orElseThrow();
    recipient = Recipient.of(a);
    engine.registry().grant(PolicyBenchData.TENANT, a, new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
        PolicyBenchData.NOW.minusSeconds(3600), Optional.of(PolicyBenchData.NOW.plusSeconds(86_400)), "doc", "bench"));
    message = PolicyBenchData.marketingHtmlMessage();
  }

  @Benchmark
  public MessageVerdict evaluateMessage() {
    engine.onRecipient(transaction, recipient).toCompletableFuture().join();
    PolicyEngine.MessageInspection inspection = engine.inspect(transaction);
    for (int i = 0; i < message.length; i += 8192) {
      inspection.feed(ByteBuffer.wrap(message, i, Math.min(8192, message.length - i)));
    }
    return inspection.finish(List.of(recipient)).toCompletableFuture().join();
  }

  @TearDown
  public void tearDown() throws Exception {
    kv.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
