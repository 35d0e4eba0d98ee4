package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * A real Prometheus (Debian's 2.42) scrapes a real relay (a child JVM) while it
 * delivers three messages over verified TLS to one receiver and has two deferred
 * by another that answers {@code 451 4.3.0} to every DATA. PromQL over
 * {@code /api/v1/query} must return exactly those counts, by outcome, TLS
 * verification, deferral status and destination group; the scrape must carry no
 * address, domain or subject of the test mail, and every exported metric family
 * must be listed in docs/metrics.md. Every query of the Grafana dashboard must be
 * accepted by that Prometheus.
 */
class MetricsPrometheusIT {
  static final String SUBJECT = "Spring newsletter from the clinic";
  @TempDir Path dir;

  @Test
  void prometheusQueries_countDeliveriesAndDeferrals_byOutcomeTlsAndDestinationGroup() throws Exception {
    Assumptions.assumeTrue(Prometheus.available(), "prometheus is installed by .ci/run");
    TestCa ca = TestCa.create("metrics-ca");
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    int port = TestRelays.freePort();
    try (Receiver ok = Receiver.start(dir, "127.0.0.2", Optional.of(ca.issue("mx.patients.test")), "ok");
        Receiver slow = Receiver.start(dir, "127.0.0.3", Optional.of(ca.issue("mx.slow.test")), "tempfail-data:1000");
        Dnsmasq dns = Dnsmasq.start(dir, List.of("--host-record=mx.patients.test,127.0.0.2",
            "--host-record=mx.slow.test,127.0.0.3"))) {
      Path config = TestRelays.write(dir, port, "transactional", "", """
          delivery:
            dns:
              resolver: "127.0.0.1:%d"
            routes:
              patients.test: "[mx.patients.test]:%d"
              slow.test: "[mx.slow.test]:%d"
            tls:
              trustAnchors: %s
            retry:
              initialBackoff: 1h
            limits:
              pollInterval: 50ms
            dane:
              enabled: false
            mtaSts:
              enabled: false
          """.formatted(dns.port(), ok.port(), slow.port(), caPem), """
          tenantDefaults:
            securityLevel: verify
          """);
      Files.writeString(config, Files.readString(config).replace("metrics:\n  enabled: false\n", """
          metrics:
            enabled: true
            port: 0
            destinationGroups:
              patients: [patients.test]
              slow: [slow.test]
          """));
      try (RelayProcess relay = RelayProcess.start(config)) {
        int metricsPort = metricsPort(relay.output());
        try (SmtpTestClient c = SmtpTestClient.connect(new java.net.InetSocketAddress("127.0.0.1", port))) {
          assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
          for (String rcpt : List.of("ann@patients.test", "bob@patients.test", "cy@patients.test", "dee@slow.test",
              "eve@slow.test")) {
            assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
            assertThat(c.command("RCPT TO:<" + rcpt + ">").code()).isEqualTo(250);
            assertThat(c.command("DATA").code()).isEqualTo(354);
            assertThat(c.command("Subject: " + SUBJECT + "\r\n\r\nSee you soon.\r\n.").code()).isEqualTo(250);
          }
          c.command("QUIT");
        }

        try (Prometheus prometheus = Prometheus.start(dir, metricsPort)) {
          Duration wait = Duration.ofSeconds(90);
          assertThat(prometheus.await("sum(mailward_delivery_recipients_total{outcome=\"delivered\","
              + "destination=\"patients\",tls_verified=\"true\"})", 3, wait)).as(prometheus.targets().toString()).hasValue(3);
          assertThat(prometheus.await("sum(mailward_delivery_deferrals_total{destination=\"slow\",status=\"4.3.0\"})", 2, wait))
              .hasValue(2);
          assertThat(prometheus.await("mailward_queue_recipients{state=\"deferred\"}", 2, wait)).hasValue(2);
          assertThat(prometheus.value("sum(mailward_inbound_messages_accepted_total)")).hasValue(5);
          assertThat(prometheus.value("sum(mailward_delivery_recipients_total{outcome=\"deferred\"})")).hasValue(2);
          assertThat(prometheus.value("sum(mailward_delivery_latency_seconds_count{outcome=\"delivered\"})")).hasValue(3);
          assertThat(prometheus.value("sum(mailward_delivery_tls_total{verified=\"true\",verification=\"pkix-ok\"})"))
              .hasValue(5);
          assertThat(prometheus.value("sum(mailward_spool_sync_seconds_count) > 0")).isPresent();
          assertThat(prometheus.value("sum(mailward_delivery_bounces_total)")).isEmpty();
          for (String expr : GrafanaDashboard.expressions()) {
            assertThat(prometheus.query(GrafanaDashboard.asPromQl(expr))).as(expr).isNotNull(); // throws if refused
          }
        }

        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).doesNotContain("@").doesNotContain("patients.test").doesNotContain("slow.test")
            .doesNotContain("clinic.example").doesNotContain(SUBJECT);
        assertThat(MetricsDocs.undocumented(scrape)).as("exported but missing from docs/metrics.md").isEmpty();
      }
    }
  }

  static int metricsPort(String output) {
    Matcher m = Pattern.compile("listening: metrics 127\\.0\\.0\\.1:(\\d+)").matcher(output);
    assertThat(m.find()).as("metrics listener in:\n" + output).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
