package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.policy.PolicyConfig.PhiPolicy;

/**
 * The labelled sample in {@code ../shared/phi-sample} (beside the repository; {@code
 * PHI_SAMPLE_DIR} names another place) through the detector alone: each PHI message is
 * found, each clean one is not. The relay-level run of the same sample is relay-app's
 * PhiSampleIT; this one says which message and which verdict when the detector changes.
 */
class PhiSampleTest {
  /** One labelled message: its id, category letter and label. */
  record Labelled(String id, String category, boolean phi) {}

  static Path sampleDir() {
    String env = System.getenv("PHI_SAMPLE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("phi-sample");
      if (Files.isDirectory(candidate) && Files.exists(p.resolve("mvnw"))) {
        return candidate;
      }
    }
    return here.resolveSibling("shared").resolve("phi-sample");
  }

  static List<Labelled> labels(Path dir) throws IOException {
    List<Labelled> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(dir.resolve("labels.json"));
        JsonParser p = new JsonFactory().createParser(in)) {
      String id = null;
      String category = null;
      String label = null;
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          depth++;
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
          if (t == JsonToken.END_OBJECT && depth == 1) {
            out.add(new Labelled(id, category, "phi".equals(label)));
          }
        } else if (t == JsonToken.FIELD_NAME && depth == 2) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "id" -> id = p.getText();
            case "category" -> category = p.getText();
            case "label" -> label = p.getText();
            default -> p.skipChildren();
          }
        }
      }
    }
    return out;
  }

  @Test
  void everySampleMessage_isJudgedAsItsLabelSays() throws IOException {
    Path dir = sampleDir();
    assumeTrue(Files.exists(dir.resolve("labels.json")), "no PHI sample at " + dir + " (CI lays shared/ beside the clone)");
    PhiDetector detector = new PhiDetector(HealthDictionary.bundled(), PhiPolicy.defaults());
    List<String> wrong = new ArrayList<>();
    List<Labelled> labels = labels(dir);
    for (Labelled m : labels) {
      PhiReport r;
      try (InputStream in = Files.newInputStream(dir.resolve(m.id() + ".eml"))) {
        r = detector.scan(in, false);
      }
      boolean found = r.subjectPhi() || r.bodyPhi();
      if (found != m.phi()) {
        wrong.add(m.id() + " (" + m.category() + ", labelled " + (m.phi() ? "phi" : "clean") + "): " + r.counts() + " " + r.evidence());
      }
    }
    assertThat(labels).hasSizeGreaterThanOrEqualTo(20);
    assertThat(wrong).isEmpty();
  }
}
