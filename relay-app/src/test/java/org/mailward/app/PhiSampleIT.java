package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.SecurityLevel;
import org.mailward.app.config.ConfigLoader;

/**
 * The labelled sample in {@code ../shared/phi-sample} (beside the repository; CI lays {@code shared/}
 * there; {@code PHI_SAMPLE_DIR} names another place) through the real relay: every message
 * labelled {@code phi} is refused for its Subject ({@code 550 5.7.1 … phi.subject}) or accepted at
 * the tenant's PHI body level, and every {@code clean} one is accepted at the default level. The
 * detector was not tuned to these messages; they are examples drawn from a larger set.
 */
class PhiSampleIT {
  @TempDir Path dir;

  static Path sampleDir() {
    String env = System.getenv("PHI_SAMPLE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("mvnw"))) {
        return p.resolveSibling("shared").resolve("phi-sample");
      }
    }
    return Path.of("..", "shared", "phi-sample");
  }

  @Test
  void everySampleMessage_isRefusedOrRaisedOrDelivered_asItsLabelSays() throws Exception {
    Path samples = sampleDir();
    assumeTrue(Files.exists(samples.resolve("labels.json")),
        "no PHI sample at " + samples + " (CI lays shared/ beside the clone; or set PHI_SAMPLE_DIR)");
    Path config = TestRelays.write(dir, 0, "marketing", """
            policy:
              phi:
                subjectAction: refuse
                bodyLevel: verify
        """, "");
    List<String> wrong = new ArrayList<>();
    int count = 0;
    try (Relay relay = Relay.start(new ConfigLoader().load(config, Map.of()), config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream()))) {
      PhiRelayIT.grantMarketing(relay);
      for (JsonNode m : new ObjectMapper().readTree(samples.resolve("labels.json").toFile())) {
        String id = m.get("id").asText();
        boolean phi = m.get("label").asText().equals("phi");
        String eml = Files.readString(samples.resolve(id + ".eml"), StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n");
        PhiRelayIT.Outcome o = PhiRelayIT.send(relay, eml);
        boolean refusedForSubject = o.reply().text().startsWith("550 5.7.1") && o.reply().text().contains("phi.subject");
        boolean raised = o.level().map(l -> l.compareTo(SecurityLevel.VERIFY) >= 0).orElse(false);
        boolean ok = phi ? refusedForSubject || raised : o.reply().code() == 250 && o.level().orElseThrow() == SecurityLevel.ENCRYPT;
        if (!ok) {
          wrong.add(id + " (" + m.get("category").asText() + ", " + m.get("label").asText() + "): " + o.reply().text() + " " + o.level());
        }
        count++;
      }
    }
    assertThat(count).isGreaterThanOrEqualTo(20);
    assertThat(wrong).isEmpty();
  }
}
