package org.mailward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark once, very briefly and in this JVM, so that none of
 * them rots. It checks that each produces a score; it sets no threshold (speed
 * goals live in the benchmark reports, not in tests).
 */
class BenchmarkSmokeIT {

  @Test
  void everyBenchmark_runsAndProducesAScore() throws Exception {
    // JMH's global lock only guards against two measuring runs sharing a machine; a smoke run measures nothing.
    System.setProperty("jmh.ignoreLock", "true");
    Options options = new OptionsBuilder()
        .include("org\\.mailward\\.bench\\..*")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .threads(1)
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    assertThat(results).isNotEmpty();
    for (RunResult r : results) {
      assertThat(r.getPrimaryResult().getScore())
          .as(r.getParams().getBenchmark())
          .isPositive();
    }
  }
}
