package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.app.config.ConfigLoader;

/**
 * The README's first ten minutes, as a test: an embedded relay with no tenants
 * configured creates its demo tenant, certificate and keys (0600), prints the
 * credentials once, accepts a message from swaks over STARTTLS, and counts it in
 * /metrics without any address in the scrape.
 */
class FirstMessageIT {
  @TempDir Path dir;

  @Test
  void embeddedRelay_acceptsAFirstMessageFromSwaks_andCountsIt() throws Exception {
    Path config = dir.resolve("mailward.yaml");
    Files.writeString(config, """
        dataDir: %s
        inbound:
          listeners:
            - {name: submission, address: 127.0.0.1, port: 0, mode: starttls}
        delivery:
          enabled: false
        metrics:
          port: 0
        admin:
          port: 0
        """.formatted(dir.resolve("data")));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    var cfg = new ConfigLoader().load(config, Map.of());
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      Matcher m = Pattern.compile("password: (\\S+)").matcher(printed.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).as("demo credentials printed").isTrue();
      assertThat(printed.toString(StandardCharsets.UTF_8)).containsPattern("admin token: mwt_[0-9a-f]{12}_");
      for (String secret : new String[] {"keys/master.key", "keys/policy.key", "tls/server.key", "demo-tenant.phc",
          "keys/admin-tokens"}) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data").resolve(secret))))
            .as(secret).isEqualTo("rw-------");
      }
      int port = relay.listeners().get("submission").getPort();
      Process swaks = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + port, "--tls", "--auth", "PLAIN",
          "--auth-user", "demo", "--auth-password", m.group(1), "--from", "you@demo.example", "--to",
          "someone@example.org", "--header", "Subject: Hello from Mailward")
          .redirectErrorStream(true).start();
      String out = new String(swaks.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(swaks.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains("<~  250 2.0.0 Ok: queued as ");

      var metrics = relay.listeners().get("metrics");
      String scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape).containsPattern("mailward_inbound_messages_accepted_total(\\{[^}]*\\})? 1\\.0");
      assertThat(scrape).contains("mailward_spool_accepting 1.0");
      assertThat(scrape).doesNotContain("example.org").doesNotContain("demo.example");
    }
    // A second start keeps the tenant and does not print the password again.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(again, true, StandardCharsets.UTF_8))) {
      assertThat(again.toString(StandardCharsets.UTF_8)).doesNotContain("password: ").doesNotContain("admin token:").contains("printed on first start");
    }
  }
}
