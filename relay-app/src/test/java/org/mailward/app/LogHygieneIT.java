package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * A relay (child JVM, {@code logging.format: json}) takes mail through every
 * path that logs: delivered, deferred by a 451, bounced by a 550 5.1.1 (and the
 * DSN it sends back, which finds no route), a subject refused for PHI and a
 * sender refused at MAIL. Its whole captured output is then checked: every log
 * line is one JSON object, Chronicle's INFO chatter is absent, and no address,
 * local part or subject of the test mail appears in any log line or metric label.
 */
class LogHygieneIT {
  static final List<String> RECIPIENTS = List.of("zorro.delgado@patients.test", "ytterbium.yates@slow.test",
      "xanthe.nobody@patients.test");
  static final String SUBJECT = "Lantern festival invitation";
  static final String PHI_SUBJECT = "Your HIV test results for Quentin Marlowe";
  @TempDir Path dir;

  @Test
  void aRelayRun_logsJsonLines_withoutAddressesOrSubjects_andWithoutChronicleChatter() throws Exception {
    TestCa ca = TestCa.create("logs-ca");
    int port = TestRelays.freePort();
    try (Receiver ok = Receiver.start(dir, "127.0.0.2", Optional.of(ca.issue("127.0.0.2")), "reject-rcpt:nobody");
        Receiver slow = Receiver.start(dir, "127.0.0.3", Optional.of(ca.issue("127.0.0.3")), "tempfail-data:1000")) {
      Path config = TestRelays.write(dir, port, "transactional", "", """
          delivery:
            routes:
              patients.test: "[127.0.0.2]:%d"
              slow.test: "[127.0.0.3]:%d"
            retry:
              initialBackoff: 1h
            limits:
              pollInterval: 50ms
            dane:
              enabled: false
            mtaSts:
              enabled: false
          """.formatted(ok.port(), slow.port()), """
          logging:
            format: json
          """);
      Files.writeString(config, Files.readString(config).replace("metrics:\n  enabled: false\n",
          "metrics:\n  enabled: true\n  port: 0\n"));
      try (RelayProcess relay = RelayProcess.start(config)) {
        int metricsPort = MetricsPrometheusIT.metricsPort(relay.output());
        try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
          assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
          assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
          for (String rcpt : RECIPIENTS) {
            assertThat(c.command("RCPT TO:<" + rcpt + ">").code()).isEqualTo(250);
          }
          assertThat(c.command("DATA").code()).isEqualTo(354);
          assertThat(c.command("Subject: " + SUBJECT + "\r\n\r\nLanterns at six.\r\n.").code()).isEqualTo(250);
          assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
          assertThat(c.command("RCPT TO:<" + RECIPIENTS.get(0) + ">").code()).isEqualTo(250);
          assertThat(c.command("DATA").code()).isEqualTo(354);
          assertThat(c.command("Subject: " + PHI_SUBJECT + "\r\n\r\nSee attached.\r\n.").code()).isEqualTo(550);
          assertThat(c.command("MAIL FROM:<quentin.marlowe@elsewhere.example>").code()).isBetween(500, 599);
          c.command("QUIT");
        }
        String scrape = awaitOutcomes(metricsPort);
        relay.stop();

        List<String> logLines = new ArrayList<>();
        for (String line : relay.output().split("\n")) {
          // the launcher's own console lines and the first-start notice are not log events
          boolean console = line.startsWith("listening: ") || line.equals("ready")
              || line.startsWith("Admin API token created") || line.startsWith("  admin token: ");
          if (!line.isBlank() && !console) {
            logLines.add(line);
          }
        }
        assertThat(logLines).as("the relay logged something").isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        for (String line : logLines) {
          JsonNode event = json.readTree(line);
          assertThat(event.path("level").asText()).as(line).isNotEmpty();
          assertThat(event.path("loggerName").asText().startsWith("net.openhft") && event.path("level").asText().equals("INFO"))
              .as("Chronicle INFO in the default log: " + line).isFalse();
        }
        String output = relay.output();
        for (String secret : secrets()) {
          assertThat(output).as("log output").doesNotContainIgnoringCase(secret);
          assertThat(scrape).as("metrics").doesNotContainIgnoringCase(secret);
        }
        assertThat(scrape).doesNotContain("@").doesNotContain("patients.test");
      }
    }
  }

  private static List<String> secrets() {
    List<String> s = new ArrayList<>(List.of(SUBJECT, PHI_SUBJECT, "Quentin", "Marlowe", "news@clinic.example"));
    for (String r : RECIPIENTS) {
      s.add(r);
      s.add(r.substring(0, r.indexOf('@')));
    }
    return s;
  }

  /** Waits (bounded) until the delivery, the deferral and the bounce are counted; returns the scrape. */
  private static String awaitOutcomes(int metricsPort) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String scrape = "";
    while (System.nanoTime() < deadline) {
      scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (scrape.contains("outcome=\"delivered\"") && scrape.contains("outcome=\"deferred\"")
          && scrape.contains("outcome=\"bounced\"")) {
        return scrape;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("outcomes not all counted within 90 s:\n" + scrape);
  }
}
