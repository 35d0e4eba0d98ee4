// Tallies scored messages into the figures issue 16 asks for — recall per PHI
// category (Subject, body, attachment, encodings) and the false-positive rate on
// clean mail — per split, and prints them as a JMH-style table with a 95 %
// Wilson interval as the error and the target beside each figure. A second table
// breaks the tuning split down by technique; the held-out split is only ever
// reported as totals, so nobody tunes to it.
package org.mailward.bench.phi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

final class AccuracyReport {

  /** A headline figure: which messages it counts, what counts as a success, and its target. */
  record Metric(String name, Predicate<LabelledMessage> scope, boolean falsePositiveRate, double target) {}

  static final List<Metric> METRICS = List.of(
      new Metric("recall.subject", m -> m.category() == Category.SUBJECT, false, 0.95),
      new Metric("recall.body", m -> m.category() == Category.BODY, false, 0.95),
      new Metric("recall.attachment", m -> m.category() == Category.ATTACHMENT, false, 0.90),
      new Metric("recall.encoding", m -> m.category() == Category.ENCODING, false, 0.90),
      new Metric("fpr.clean", m -> !m.phi(), true, 0.02),
      new Metric("fpr.clean.marketing", m -> m.category() == Category.CLEAN, true, Double.NaN),
      new Metric("fpr.clean.near-miss", m -> m.category() == Category.NEAR_MISS, true, Double.NaN),
      new Metric("flagged.any-phi", LabelledMessage::phi, false, Double.NaN));

  /** One computed figure. */
  record Figure(String metric, String split, int count, int successes, double score, double error, double target) {
    boolean meetsTarget() {
      return Double.isNaN(target) || (metric.startsWith("fpr") ? score <= target : score >= target);
    }
  }

  private final List<Scored> results;

  AccuracyReport(List<Scored> results) {
    this.results = List.copyOf(results);
  }

  List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    for (boolean heldOut : new boolean[] {false, true}) {
      for (Metric m : METRICS) {
        int n = 0;
        int k = 0;
        for (Scored s : results) {
          if (s.message().heldOut() != heldOut || !m.scope().test(s.message())) {
            continue;
          }
          n++;
          boolean success = m.falsePositiveRate() ? s.flagged() : m.name().startsWith("flagged") ? s.flagged() : s.correct();
          k += success ? 1 : 0;
        }
        double p = n == 0 ? Double.NaN : (double) k / n;
        out.add(new Figure(m.name(), Split.name(heldOut), n, k, p, wilsonHalfWidth(k, n), m.target()));
      }
    }
    return out;
  }

  /** The JMH-style headline table. */
  String table() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-34s %-9s %5s %7s   %-6s  %-13s %s%n",
        "Benchmark", "Split", "Cnt", "Score", "Error", "Target", "Units"));
    for (Figure f : figures()) {
      String target = Double.isNaN(f.target()) ? "" : (f.metric().startsWith("fpr") ? "<= " : ">= ")
          + String.format(Locale.ROOT, "%.2f", f.target()) + (f.meetsTarget() ? "" : " MISS");
      sb.append(String.format(Locale.ROOT, "PhiAccuracy.%-22s %-9s %5d %7.3f ± %6.3f  %-13s %s%n", f.metric(), f.split(),
          f.count(), f.score(), f.error(), target, f.metric().startsWith("fpr") ? "ratio(flagged)" : "ratio(caught)"));
    }
    return sb.toString();
  }

  /** Per category and technique, tuning split only: caught (or, for clean mail, passed) / count. */
  String techniqueTable() {
    Map<String, int[]> rows = new TreeMap<>();
    for (Scored s : results) {
      if (s.message().heldOut()) {
        continue;
      }
      int[] row = rows.computeIfAbsent(s.message().category().code + " " + s.message().category().name().toLowerCase(Locale.ROOT)
          + " / " + s.message().technique(), key -> new int[2]);
      row[0]++;
      row[1] += s.correct() ? 1 : 0;
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-52s %5s %7s  (tuning split; correct = caught, or passed if clean)%n",
        "Category / technique", "Cnt", "Correct"));
    rows.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-52s %5d %7.3f%n", k, v[0], (double) v[1] / v[0])));
    return sb.toString();
  }

  /** Ids of the messages of this split whose outcome was wrong, sorted. */
  List<String> mismatches(boolean heldOut) {
    return results.stream().filter(s -> s.message().heldOut() == heldOut && !s.correct())
        .map(s -> s.message().id()).sorted().toList();
  }

  long failures() {
    return results.stream().filter(s -> s.observation().outcome() == PolicyUnderTest.Outcome.FAILED).count();
  }

  /** Half the width of the 95 % Wilson score interval for k successes in n. */
  static double wilsonHalfWidth(int k, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double z = 1.96;
    double p = (double) k / n;
    double denom = 1 + z * z / n;
    return z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
  }
}
