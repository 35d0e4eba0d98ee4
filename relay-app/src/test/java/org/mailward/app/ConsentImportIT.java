package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.SmtpTestClient;
import picocli.CommandLine;

/**
 * An operator imports authorizations with {@code mailward consent-import}, starts
 * the relay, and marketing mail is accepted exactly for the consented recipients.
 * A file with one bad row imports nothing and names the line.
 */
class ConsentImportIT {
  @TempDir Path dir;

  @Test
  void importedAuthorizations_decideMarketingRcpts_andABadFileImportsNothing() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", "", "");
    LocalDate today = LocalDate.now();
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "email,purposes,granted_at,expires_at,evidence\n"
        + "late@patients.example,marketing," + today.minusDays(1) + "," + today.plusDays(300) + ",doc-2\n"
        + "not-an-address,marketing," + today.minusDays(1) + "," + today.plusDays(300) + ",doc-3\n");
    assertThat(run("consent-import", "--config", config.toString(), "--tenant", "clinic", bad.toString())).isEqualTo(1);

    Path good = dir.resolve("consent.csv");
    Files.writeString(good, "email,purposes,granted_at,expires_at,evidence\n"
        + "ann@patients.example,marketing," + today.minusDays(1) + "," + today.plusDays(300) + ",doc-1\n");
    assertThat(run("consent-import", "--config", config.toString(), "--tenant", "clinic", good.toString())).isZero();

    var cfg = new ConfigLoader().load(config, Map.of());
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));
        SmtpTestClient c = SmtpTestClient.connect(relay.listeners().get("submission"))) {
      c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD);
      assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<ann@patients.example>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<late@patients.example>").text()).contains("consent.missing");
    }
  }

  private static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
