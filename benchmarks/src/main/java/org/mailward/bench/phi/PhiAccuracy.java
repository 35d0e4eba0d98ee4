// The PHI accuracy run (issue 16): generates the independent labelled corpus,
// runs every message through the policy engine's public entry point and prints
// recall per PHI category and the false-positive rate on clean mail, for the
// tuning and the held-out split, JMH-style. Writes report.txt and the ids of
// wrongly handled messages (mismatches-tuning.txt, mismatches-held-out.txt) to
// --out, and with --write-corpus the corpus as .eml + labels.json.
//
//   java -cp benchmarks/target/benchmarks.jar org.mailward.bench.phi.PhiAccuracy \
//        [--out DIR] [--seed N] [--per-category N] [--write-corpus DIR] [--no-run]
//
// It prints figures and ids only, never message text. It asserts nothing: the
// targets are printed beside the figures (MISS where one is not met).
package org.mailward.bench.phi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

public final class PhiAccuracy {
  /** Options: where to write, which seed, how many messages per category (null: the full corpus). */
  record Options(Path out, long seed, Integer perCategory, Path corpusDir, boolean run) {
    static Options parse(String[] args) {
      Path out = Path.of("benchmarks", "target", "phi-accuracy");
      long seed = CorpusGenerator.DEFAULT_SEED;
      Integer per = null;
      Path corpus = null;
      boolean run = true;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--out" -> out = Path.of(value(args, ++i, "--out"));
          case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
          case "--per-category" -> per = Integer.valueOf(value(args, ++i, "--per-category"));
          case "--write-corpus" -> corpus = Path.of(value(args, ++i, "--write-corpus"));
          case "--no-run" -> run = false;
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + " (known: --out DIR, --seed N, --per-category N, --write-corpus DIR, --no-run)");
        }
      }
      return new Options(out, seed, per, corpus, run);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    Map<Category, Integer> counts() {
      if (perCategory == null) {
        return CorpusGenerator.FULL;
      }
      Map<Category, Integer> m = new EnumMap<>(Category.class);
      CorpusGenerator.FULL.forEach((c, n) -> m.put(c, Math.min(n, perCategory)));
      return m;
    }
  }

  private PhiAccuracy() {}

  public static void main(String[] args) throws IOException {
    // PDFBox warns once per PDF that it renders the standard-14 Helvetica with a fallback font: noise here.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.pdfbox", "error");
    Options options = Options.parse(args);
    AccuracyReport report = run(options);
    if (report != null) {
      System.out.print(report.table());
      System.out.println();
      System.out.print(report.techniqueTable());
      System.out.println("Mismatch ids written to " + options.out().toAbsolutePath());
    }
  }

  /** Generates, optionally writes the corpus, evaluates; null when --no-run. */
  static AccuracyReport run(Options options) throws IOException {
    List<LabelledMessage> corpus = new CorpusGenerator(options.seed()).generate(options.counts());
    if (options.corpusDir() != null) {
      CorpusFiles.write(corpus, options.corpusDir());
    }
    if (!options.run()) {
      return null;
    }
    List<Scored> scored = new ArrayList<>(corpus.size());
    try (PolicyUnderTest policy = new PolicyUnderTest()) {
      for (LabelledMessage m : corpus) {
        scored.add(new Scored(m, policy.evaluate(m.eml())));
      }
    }
    AccuracyReport report = new AccuracyReport(scored);
    Files.createDirectories(options.out());
    String header = "# PHI accuracy, seed " + options.seed() + ", " + corpus.size() + " messages, "
        + report.failures() + " evaluations failed\n";
    Files.writeString(options.out().resolve("report.txt"), header + report.table() + "\n" + report.techniqueTable(),
        StandardCharsets.UTF_8);
    Files.write(options.out().resolve("mismatches-tuning.txt"), report.mismatches(false), StandardCharsets.UTF_8);
    Files.write(options.out().resolve("mismatches-held-out.txt"), report.mismatches(true), StandardCharsets.UTF_8);
    return report;
  }
}
