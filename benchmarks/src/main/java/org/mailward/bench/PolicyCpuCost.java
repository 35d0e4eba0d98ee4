// CPU time per operation of the policy benchmarks (PhiScanBenchmark, PolicyEvaluationBenchmark),
// read from the thread's CPU clock (ThreadMXBean) instead of the wall clock, so the figure is a
// per-core cost that holds on a shared, loaded machine where JMH's wall-clock throughput does not.
// Also reports bytes allocated per operation. Not a JMH benchmark: a plain main, best of 5 rounds.
//   java -cp benchmarks/target/benchmarks.jar org.mailward.bench.PolicyCpuCost [secondsPerRound]
package org.mailward.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

public final class PolicyCpuCost {
  private PolicyCpuCost() {}

  private static volatile Object sink;

  static void measure(String name, Callable<?> op, double seconds, String unit, double unitsPerOp) throws Exception {
    measure(name, op, seconds, unit, unitsPerOp, 0);
  }

  /**
   * As above, warming up for at least {@code minWarmOps} operations as well as 2 x seconds: on a
   * loaded machine the JIT compiler threads get little CPU, and a warm-up counted only in seconds
   * can leave the code interpreted (the PHI detector measured 10x slower that way).
   */
  static void measure(String name, Callable<?> op, double seconds, String unit, double unitsPerOp, int minWarmOps)
      throws Exception {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long warm = System.nanoTime() + (long) (2 * seconds * 1e9);
    for (int n = 0; System.nanoTime() < warm || n < minWarmOps; n++) {
      sink = op.call();
    }
    double best = Double.MAX_VALUE;
    double allocated = 0;
    for (int round = 0; round < 5; round++) {
      long cpu = mx.getCurrentThreadCpuTime();
      long bytes = mx.getThreadAllocatedBytes(thread);
      long ops = 0;
      long stop = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < stop) {
        sink = op.call();
        ops++;
      }
      best = Math.min(best, (double) (mx.getCurrentThreadCpuTime() - cpu) / ops);
      allocated = (double) (mx.getThreadAllocatedBytes(thread) - bytes) / ops;
    }
    System.out.printf("%-26s %9.1f us CPU/op  %9.0f %s per CPU-second  %9.0f B/op allocated%n", name, best / 1000,
        unitsPerOp * 1e9 / best, unit, allocated);
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
    PhiScanBenchmark phi = new PhiScanBenchmark();
    phi.setUp();
    measure("scanDecodedText (1 MB)", phi::scanDecodedText, seconds, "MB", 1, 300);
    measure("scanMarketingMessage60k", phi::scanMarketingMessage60k, seconds, "msgs", 1, 5000);
    PolicyEvaluationBenchmark evaluation = new PolicyEvaluationBenchmark();
    evaluation.setUp();
    try {
      measure("evaluateMessage", evaluation::evaluateMessage, seconds, "msgs", 1, 5000);
    } finally {
      evaluation.tearDown();
    }
  }
}
