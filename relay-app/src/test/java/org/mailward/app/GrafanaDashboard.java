package org.mailward.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ops/grafana/mailward.json as tests read it: its PromQL expressions and the metric names they use. */
final class GrafanaDashboard {
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "offset", "bool", "and", "or", "unless", "inf", "nan");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private GrafanaDashboard() {}

  static Path file() {
    return MetricsDocs.file().getParent().getParent().resolve("ops/grafana/mailward.json");
  }

  /** Every {@code expr} of every panel target, and the query of every templating variable. */
  static List<String> expressions() throws IOException {
    JsonNode root = new ObjectMapper().readTree(file().toFile());
    List<String> out = new ArrayList<>();
    root.findValues("expr").forEach(n -> out.add(n.asText()));
    for (JsonNode v : root.path("templating").path("list")) {
      String q = v.path("query").path("query").asText(v.path("query").asText());
      Matcher m = Pattern.compile("label_values\\(\\s*([^,)]+)").matcher(q);
      out.add(m.find() ? m.group(1).trim() : q);
    }
    return out;
  }

  /** The expression with Grafana's variables replaced, as Prometheus would receive it. */
  static String asPromQl(String expr) {
    return expr.replace("$__rate_interval", "5m").replace("$tenant", ".*");
  }

  /** Metric names an expression selects: identifiers outside strings, label matchers, ranges and grouping lists, not calls. */
  static Set<String> metricNames(String expr) {
    String e = asPromQl(expr)
        .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(e);
    while (m.find()) {
      String id = m.group();
      int after = m.end();
      while (after < e.length() && e.charAt(after) == ' ') {
        after++;
      }
      boolean call = after < e.length() && e.charAt(after) == '(';
      boolean number = m.start() > 0 && (Character.isDigit(e.charAt(m.start() - 1)) || e.charAt(m.start() - 1) == '.');
      if (!call && !number && !KEYWORDS.contains(id.toLowerCase())) {
        names.add(id);
      }
    }
    return names;
  }
}
