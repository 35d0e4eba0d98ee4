package org.mailward.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns the legs of one bench run into {@code results.md} (machine, table,
 * notes, JFR summaries), {@code results.json} and PNG plots per profile
 * (throughput over time, latency by percentile) with XChart.
 */
final class BenchReport {
  private final List<LegResult> legs;
  private final Path dir;
  private final String settings;

  BenchReport(List<LegResult> legs, Path dir, String settings) {
    this.legs = legs;
    this.dir = dir;
    this.settings = settings;
  }

  /** Writes everything and returns the Markdown text. */
  String write() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Load bench ").append(dir.getFileName()).append("\n\n");
    md.append(Machine.describe()).append("\n");
    md.append("Settings: ").append(settings).append(".\n\n");
    md.append(table()).append("\n");
    md.append("Modes:\n\n");
    for (LegResult l : legs) {
      md.append("- ").append(l.system()).append(" ").append(l.profile().name()).append(": ").append(l.mode())
          .append(l.note().isEmpty() ? "" : " — " + l.note()).append("\n");
    }
    md.append("\nProfiles:\n\n");
    legs.stream().map(LegResult::profile).map(Profile::name).distinct().forEach(n -> legs.stream()
        .filter(l -> l.profile().name().equals(n)).findFirst()
        .ifPresent(l -> md.append("- ").append(n).append(": ").append(l.profile().description()).append("\n")));
    md.append("\nPlots: ");
    for (String profile : legs.stream().map(l -> l.profile().name()).distinct().toList()) {
      plots(profile);
      md.append("[throughput ").append(profile).append("](throughput-").append(profile).append(".png), ")
          .append("[latency ").append(profile).append("](latency-").append(profile).append(".png); ");
    }
    md.append("\n");
    md.append(jfrSummaries());
    Files.writeString(dir.resolve("results.md"), md.toString());
    Files.writeString(dir.resolve("results.json"), json());
    return md.toString();
  }

  String table() {
    StringBuilder t = new StringBuilder();
    t.append("| profile | system | size | injected msg/s | delivered msg/s | p50 ms | p99 ms | p99 ms at ½ peak | CPU s / 1k msgs "
        + "| peak heap MB | peak RSS MB | vs Postfix (inj / dlv) | vs raw (inj / dlv) | accepted / 4xx / 5xx / errors | load avg |\n");
    t.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (LegResult l : legs) {
      LegResult postfix = find("postfix", l.profile());
      LegResult raw = find("raw", l.profile());
      var in = l.injector();
      t.append(String.format("| %s | %s | %s | %.0f | %s | %.2f | %.2f | %s | %.2f (%s) | %s | %.0f | %s | %s | %d / %d / %d / %d | %.1f→%.1f |%n",
          l.profile().name(), l.system(), l.profile().sizeLabel(), l.acceptedPerSecond(),
          l.deliveredPerSecond() < 0 ? "— (delivery off)" : String.format("%.0f", l.deliveredPerSecond()),
          in.path("p50Ms").asDouble(), in.path("p99Ms").asDouble(),
          l.halfRate() == null ? "—" : String.format("%.2f (at %.0f/s)", l.halfRate().path("p99Ms").asDouble(),
              l.halfRate().path("acceptedPerSecond").asDouble()),
          l.cpuPerThousand(), l.cpuOf(),
          l.peakHeapBytes() < 0 ? "—" : Long.toString(l.peakHeapBytes() >> 20), l.peakRssBytes() / 1048576.0,
          ratio(l, postfix), ratio(l, raw), l.accepted(), in.path("tempFailed").asLong(), in.path("permFailed").asLong(),
          in.path("errors").asLong(), l.loadBefore(), l.loadAfter()));
    }
    return t.toString();
  }

  private LegResult find(String system, Profile p) {
    return legs.stream().filter(l -> l.system().equals(system) && l.profile().name().equals(p.name())).findFirst().orElse(null);
  }

  /** Injected rate over the reference's, then delivered over delivered (when both delivered). */
  private static String ratio(LegResult l, LegResult ref) {
    if (ref == null || ref == l || ref.acceptedPerSecond() <= 0) {
      return "—";
    }
    String injected = String.format("%.2f×", l.acceptedPerSecond() / ref.acceptedPerSecond());
    if (l.deliveredPerSecond() > 0 && ref.deliveredPerSecond() > 0) {
      return injected + String.format(" / %.2f×", l.deliveredPerSecond() / ref.deliveredPerSecond());
    }
    return injected;
  }

  private void plots(String profile) throws IOException {
    XYChart tp = new XYChartBuilder().width(900).height(450).title("Throughput " + profile)
        .xAxisTitle("seconds since the measured run started").yAxisTitle("messages per second").build();
    XYChart lat = new XYChartBuilder().width(900).height(450).title("DATA-end → 250 latency " + profile)
        .xAxisTitle("percentile (1 = 90%, 2 = 99%, 3 = 99.9%)").yAxisTitle("milliseconds").build();
    lat.getStyler().setYAxisLogarithmic(true);
    for (LegResult l : legs) {
      if (!l.profile().name().equals(profile)) {
        continue;
      }
      long[] inj = longs(l.injector().path("perSecond"));
      if (l.system().equals("raw")) {
        tp.setTitle(String.format("Throughput %s (raw ceiling %.0f msg/s, not drawn)", profile, l.acceptedPerSecond()));
      } else if (inj.length > 0) {
        addSeries(tp, l.system() + " injected", inj);
      }
      if (!l.system().equals("raw") && l.deliveredPerSecond() >= 0 && l.deliveredSeries().length > 0) {
        addSeries(tp, l.system() + " delivered", l.deliveredSeries());
      }
      Histogram h = histogram(l.injector().path("latencyHistogram").asText());
      if (h != null && h.getTotalCount() > 0) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (double p : new double[] {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99}) {
          xs.add(-Math.log10(1 - Math.min(p, 99.99) / 100));
          ys.add(Math.max(0.01, h.getValueAtPercentile(p) / 1000.0));
        }
        XYSeries s = lat.addSeries(l.system(), xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    }
    if (!tp.getSeriesMap().isEmpty()) {
      BitmapEncoder.saveBitmap(tp, dir.resolve("throughput-" + profile).toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    if (!lat.getSeriesMap().isEmpty()) {
      BitmapEncoder.saveBitmap(lat, dir.resolve("latency-" + profile).toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static void addSeries(XYChart chart, String name, long[] values) {
    List<Integer> xs = new ArrayList<>();
    List<Long> ys = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      xs.add(i);
      ys.add(values[i]);
    }
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.NONE);
  }

  private static long[] longs(com.fasterxml.jackson.databind.JsonNode n) {
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  private static Histogram histogram(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return null;
    }
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (java.util.zip.DataFormatException | RuntimeException e) {
      return null;
    }
  }

  private String jfrSummaries() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jfr")) {
      for (Path jfr : ds) {
        String s = JfrSummary.summarize(jfr);
        String name = jfr.getFileName().toString().replace(".jfr", "");
        Files.writeString(dir.resolve("jfr-" + name + ".txt"), s);
        sb.append("\n## JFR: ").append(name).append("\n\n```\n").append(s).append("```\n");
      }
    }
    return sb.toString();
  }

  private String json() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LegResult l : legs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("profile", l.profile().name());
      m.put("system", l.system());
      m.put("mode", l.mode());
      m.put("acceptedPerSecond", l.acceptedPerSecond());
      m.put("deliveredPerSecond", l.deliveredPerSecond());
      m.put("delivered", l.delivered());
      m.put("cpuSeconds", l.cpuSeconds());
      m.put("cpuOf", l.cpuOf());
      m.put("peakHeapBytes", l.peakHeapBytes());
      m.put("peakRssBytes", l.peakRssBytes());
      m.put("loadBefore", l.loadBefore());
      m.put("loadAfter", l.loadAfter());
      m.put("note", l.note());
      m.put("injector", l.injector());
      m.put("deliveredSeries", l.deliveredSeries());
      m.put("halfRate", l.halfRate());
      out.add(m);
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out);
    } catch (IOException e) {
      return "[]";
    }
  }

  /** Copies the run's small files (Markdown, JSON, PNG, JFR summaries) to {@code latest/}; recordings stay put. */
  static void copyLatest(Path runDir, Path latest) throws IOException {
    Files.createDirectories(latest);
    try (DirectoryStream<Path> old = Files.newDirectoryStream(latest)) {
      for (Path p : old) {
        Files.deleteIfExists(p);
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(runDir, "*.{md,json,png,txt}")) {
      for (Path p : ds) {
        Files.copy(p, latest.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** The machine, for the report header. */
  static final class Machine {
    private Machine() {}

    static String describe() {
      String cpu = "?";
      long memKb = 0;
      try {
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (l.startsWith("model name")) {
            cpu = l.substring(l.indexOf(':') + 1).trim();
            break;
          }
        }
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
          if (l.startsWith("MemTotal:")) {
            memKb = Long.parseLong(l.replaceAll("\\D", ""));
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // not Linux
      }
      return String.format("Machine: %d CPUs (nproc), %s, %.1f GB RAM; %s %s; %s; load average at report time %.1f.%n",
          Runtime.getRuntime().availableProcessors(), cpu, memKb / 1048576.0, System.getProperty("java.vm.name"),
          System.getProperty("java.version"), ZonedDateTime.now().withNano(0), ProcessTree.loadAverage());
    }
  }
}
