package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mailward.app.metrics.MetricNames;
import org.mailward.core.inbound.InboundMetrics;

/**
 * Every PromQL expression of ops/grafana/mailward.json names at least one metric,
 * and every metric it names is one Mailward exports: relay-app's MetricNames in
 * their exported form, relay-core's inbound counters, or a JVM family documented
 * in docs/metrics.md. (MetricsPrometheusIT runs each expression on a real Prometheus.)
 */
class GrafanaDashboardTest {

  static Set<String> exported() {
    Set<String> names = new TreeSet<>(new InboundMetrics().snapshot().keySet());
    MetricNames.ALL.forEach((name, kind) -> names.addAll(MetricNames.exported(name, kind)));
    return names;
  }

  @Test
  void everyDashboardQuery_namesOnlyMetricsMailwardExports() throws Exception {
    Set<String> exported = exported();
    var documented = MetricsDocs.documented();
    var expressions = GrafanaDashboard.expressions();
    assertThat(expressions).hasSizeGreaterThan(15);
    for (String expr : expressions) {
      Set<String> used = GrafanaDashboard.metricNames(expr);
      assertThat(used).as("metrics in " + expr).isNotEmpty();
      for (String metric : used) {
        boolean jvm = !metric.startsWith("mailward_") && MetricsDocs.isDocumented(metric, documented);
        assertThat(exported.contains(metric) || jvm).as(metric + " in " + expr).isTrue();
      }
    }
  }

  @Test
  void theMetricNameExtraction_skipsFunctionsLabelsAndGrouping_andFindsAMisspelledMetric() {
    assertThat(GrafanaDashboard.metricNames(
        "histogram_quantile(0.95, sum by (le) (rate(mailward_delivery_latency_seconds_bucket{outcome=\"delivered\"}[5m])))"))
        .containsExactly("mailward_delivery_latency_seconds_bucket");
    assertThat(GrafanaDashboard.metricNames("sum(rate(mailward_deliveries_total[$__rate_interval])) / 1e9"))
        .containsExactly("mailward_deliveries_total");
    assertThat(exported()).doesNotContain("mailward_deliveries_total").contains("mailward_delivery_recipients_total",
        "mailward_spool_sync_seconds_bucket", "mailward_queue_oldest_age_seconds", "mailward_inbound_messages_accepted_total");
  }
}
