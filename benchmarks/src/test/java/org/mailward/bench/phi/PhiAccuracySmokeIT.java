package org.mailward.bench.phi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the accuracy run on a small slice of the corpus through the real policy engine (RocksDB store in a
 * temporary directory) so it does not rot: it must produce every per-category figure for both splits, the
 * mismatch files and, when asked, the corpus on disk. It sets no accuracy threshold: accuracy is measured by
 * the full run and recorded in docs/policy.md, not asserted in CI.
 */
class PhiAccuracySmokeIT {

  @Test
  void aSliceOfTheCorpus_runsThroughThePolicyEngine_andYieldsEveryFigureForBothSplits(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("report");
    Path corpusDir = tmp.resolve("corpus");
    PhiAccuracy.Options options = PhiAccuracy.Options.parse(new String[] {
      "--out", out.toString(), "--per-category", "14", "--write-corpus", corpusDir.toString()});

    AccuracyReport report = PhiAccuracy.run(options);

    List<AccuracyReport.Figure> figures = report.figures();
    assertThat(figures).hasSize(2 * AccuracyReport.METRICS.size());
    for (String split : List.of("tuning", "held-out")) {
      for (AccuracyReport.Metric m : AccuracyReport.METRICS) {
        AccuracyReport.Figure f = figures.stream().filter(x -> x.metric().equals(m.name()) && x.split().equals(split))
            .findFirst().orElseThrow();
        assertThat(f.count()).as(m.name() + " " + split).isPositive();
        assertThat(f.score()).as(m.name() + " " + split).isBetween(0.0, 1.0);
      }
    }
    int total = figures.stream().filter(f -> f.metric().equals("flagged.any-phi") || f.metric().equals("fpr.clean"))
        .mapToInt(AccuracyReport.Figure::count).sum();
    assertThat(total).isEqualTo(6 * 14);
    assertThat(report.failures()).as("evaluations that failed (451)").isZero();
    assertThat(report.table()).contains("PhiAccuracy.recall.subject", "PhiAccuracy.fpr.clean", "held-out");

    assertThat(Files.readString(out.resolve("report.txt"))).contains("PhiAccuracy.recall.encoding");
    List<String> mismatched = Stream.concat(Files.readAllLines(out.resolve("mismatches-tuning.txt")).stream(),
        Files.readAllLines(out.resolve("mismatches-held-out.txt")).stream()).toList();
    List<String> expected = new ArrayList<>(report.mismatches(false));
    expected.addAll(report.mismatches(true));
    assertThat(mismatched).allMatch(id -> id.matches("[A-F]-\\d{4}")).containsExactlyInAnyOrderElementsOf(expected);

    JsonNode tuning = new ObjectMapper().readTree(corpusDir.resolve("tuning").resolve("labels.json").toFile());
    JsonNode heldOut = new ObjectMapper().readTree(corpusDir.resolve("held-out").resolve("labels.json").toFile());
    assertThat(tuning.size() + heldOut.size()).isEqualTo(6 * 14);
    for (JsonNode label : heldOut) {
      assertThat(corpusDir.resolve("held-out").resolve(label.get("id").asText() + ".eml")).isRegularFile();
      assertThat(label.get("split").asText()).isEqualTo("held-out");
    }
  }
}
