// The detector under test, reached only through the public policy port
// (PolicyEngine: onRecipient, inspect, feed, finish) of the real
// ConsentPolicyEngine on a real RocksDB store, configured as the policy
// benchmarks configure it (one tenant, default PHI policy: Subject PHI refused,
// body PHI raises the level). It reads the verdict, never the detector's inner
// classes, so it measures whatever detector the policy module ships.
package org.mailward.bench.phi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.mailward.api.EmailAddress;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Transaction;
import org.mailward.bench.PolicyBenchData;
import org.mailward.policy.ConsentPolicyEngine;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.queue.rocks.RocksKeyValueStore;

final class PolicyUnderTest implements AutoCloseable {
  /** What the relay would do with the message. */
  enum Outcome {
    /** Delivered at the tenant's default level: nothing found. */
    PASSED,
    /** Accepted with a stricter required level: PHI found in the body or an attachment. */
    LEVEL_RAISED,
    /** Refused at end of data (PHI in the Subject under the default REFUSE action). */
    REFUSED,
    /** The evaluation failed or timed out (the relay would answer 451 4.3.0). */
    FAILED;

    boolean flagged() {
      return this == LEVEL_RAISED || this == REFUSED;
    }
  }

  record Observation(Outcome outcome, String rule) {}

  private final Path dir;
  private final RocksKeyValueStore kv;
  private final ConsentPolicyEngine engine;
  private final Transaction transaction;
  private final Recipient recipient;
  private final SecurityLevel defaultLevel;

  PolicyUnderTest() {
    try {
      dir = Files.createTempDirectory("phi-accuracy");
      kv = RocksKeyValueStore.open(dir);
    } catch (Exception e) {
      throw new IllegalStateException("cannot open a RocksDB store in a temporary directory", e);
    }
    engine = new ConsentPolicyEngine(PolicyBenchData.config(), kv, PolicyBenchData.REDACTOR,
        Clock.fixed(PolicyBenchData.NOW, ZoneOffset.UTC), Runnable::run);
    transaction = PolicyBenchData.transaction();
    defaultLevel = PolicyBenchData.tenant().defaultLevel();
    EmailAddress a = EmailAddress.parse("pat@example.net", false).orElseThrow();
    recipient = Recipient.of(a);
    engine.registry().grant(PolicyBenchData.TENANT, a, new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
        PolicyBenchData.NOW.minusSeconds(3600), Optional.of(PolicyBenchData.NOW.plusSeconds(86_400)), "doc", "phi-accuracy"));
  }

  /** Runs one message through RCPT, inspection in 8 KB chunks and end of data. */
  Observation evaluate(byte[] eml) {
    try {
      engine.onRecipient(transaction, recipient).toCompletableFuture().get(30, TimeUnit.SECONDS);
      PolicyEngine.MessageInspection inspection = engine.inspect(transaction);
      for (int i = 0; i < eml.length; i += 8192) {
        inspection.feed(ByteBuffer.wrap(eml, i, Math.min(8192, eml.length - i)));
      }
      MessageVerdict v = inspection.finish(List.of(recipient)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (v instanceof MessageVerdict.Refuse refuse) {
        return new Observation(Outcome.REFUSED, refuse.rule());
      }
      MessageVerdict.Accept accept = (MessageVerdict.Accept) v;
      boolean raised = accept.requiredLevel().compareTo(defaultLevel) > 0;
      return new Observation(raised ? Outcome.LEVEL_RAISED : Outcome.PASSED, "level." + accept.requiredLevel().label());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return new Observation(Outcome.FAILED, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Observation(Outcome.FAILED, "interrupted");
    }
  }

  @Override
  public void close() {
    kv.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
