package org.mailward.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Prometheus (2.42) for tests: one scrape job against a target on
 * loopback, a 1 s scrape interval, its TSDB in the test's directory. Queries go
 * through {@code /api/v1/query}. Stops when closed.
 */
final class Prometheus implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Prometheus(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** Starts Prometheus scraping {@code http://127.0.0.1:targetPort/metrics}; returns once it is ready. */
  static Prometheus start(Path work, int targetPort) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(work.resolve("prometheus"));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: mailward
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(targetPort));
    int port = TestRelays.freePort();
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
        "--storage.tsdb.path=" + dir.resolve("tsdb"), "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Prometheus prom = new Prometheus(p, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        if (prom.get("/-/ready").statusCode() == 200) {
          return prom;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    prom.close();
    throw new IllegalStateException("prometheus did not become ready:\n" + Files.readString(log));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The instant vector of {@code promql}, as JSON {@code data.result}. */
  JsonNode query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = new ObjectMapper().readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IllegalStateException("query " + promql + " failed: " + r.body());
    }
    return body.path("data").path("result");
  }

  /** The single value of a query that yields one series (e.g. a {@code sum}), or empty when it yields none. */
  OptionalDouble value(String promql) throws IOException, InterruptedException {
    JsonNode result = query(promql);
    return result.size() == 0 ? OptionalDouble.empty() : OptionalDouble.of(result.get(0).path("value").get(1).asDouble());
  }

  /** Waits (bounded) until {@code promql} has the value {@code expected}; returns the last value seen. */
  OptionalDouble await(String promql, double expected, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    OptionalDouble v = OptionalDouble.empty();
    while (System.nanoTime() < deadline) {
      v = value(promql);
      if (v.isPresent() && v.getAsDouble() == expected) {
        return v;
      }
      Thread.sleep(500);
    }
    return v;
  }

  /** Health of the scrape target as Prometheus sees it ({@code up}, last error). */
  List<String> targets() throws IOException, InterruptedException {
    return List.of(get("/api/v1/targets").body());
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
