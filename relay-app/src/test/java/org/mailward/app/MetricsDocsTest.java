package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mailward.app.metrics.MetricNames;
import org.mailward.core.inbound.InboundMetrics;

/** docs/metrics.md lists every metric the relay defines (the live scrape is checked by MetricsPrometheusIT). */
class MetricsDocsTest {

  @Test
  void everyMetricNameOfRelayApp_isDocumented() throws Exception {
    var documented = MetricsDocs.documented();
    var constants = Arrays.stream(MetricNames.class.getDeclaredFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class).toList();
    for (var f : constants) {
      assertThat(MetricNames.ALL).as(f.getName() + " has a kind").containsKey((String) f.get(null));
    }
    MetricNames.ALL.forEach((name, kind) -> {
      String family = MetricNames.exported(name, kind).get(0);
      assertThat(documented).as(name).contains(family);
    });
  }

  @Test
  void everyInboundCounter_isDocumented() {
    assertThat(new InboundMetrics().snapshot().keySet()).allSatisfy(n -> assertThat(MetricsDocs.documented()).contains(n));
  }

  @Test
  void aFamilyMissingFromTheDocs_isReported_andDocumentedPrefixesCover_jvmFamilies() {
    String scrape = """
        # HELP mailward_delivery_recipients_total x
        # TYPE mailward_delivery_recipients_total counter
        mailward_delivery_recipients_total{outcome="delivered"} 1.0
        # TYPE jvm_threads_live_threads gauge
        jvm_threads_live_threads 12.0
        # TYPE mailward_made_up_total counter
        mailward_made_up_total 1.0
        """;
    assertThat(MetricsDocs.undocumented(scrape)).containsExactly("mailward_made_up_total");
  }
}
