package org.mailward.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The side-by-side load bench (issue 8), one run on this machine: for each
 * profile, the raw ceiling (injector → sink), Postfix (injector → Postfix →
 * sink) and Mailward (injector → Mailward → sink), each leg with a warm-up, a
 * bounded measured run and a bounded drain; then the table and plots under
 * {@code benchmarks/results/}. Everything listens on 127.0.0.1 only. Started by
 * {@code benchmarks/load/run.sh}; every child process it starts it also stops.
 *
 * <p>Mailward delivery: {@code auto} (default) starts Mailward with delivery
 * routed to the sink and checks after the warm-up that mail reaches the sink;
 * if it does not (delivery not wired yet), the leg is measured again with
 * {@code delivery.enabled: false} and the table says so.
 */
public final class LoadBench {
  private static final Set<String> OPTIONS = Set.of("seconds", "warmup", "drain", "connections", "messages-per-connection",
      "profiles", "systems", "out", "mailward-classpath", "mailward-flags-file", "mailward-heap", "delivery", "p4-recipients",
      "half-rate", "consent", "mailward-version", "attachment", "companion");
  private static final Set<String> FLAGS = Set.of("jfr");

  private final Args args;
  private final Path runDir;
  private final String benchClasspath = System.getProperty("java.class.path");
  private final Duration seconds;
  private final Duration warmup;
  private final Duration drain;
  /** The Postfix instance of the running leg, if any: stopped by the shutdown hook when the bench is interrupted. */
  private volatile PostfixRelay activePostfix;

  private LoadBench(Args args, Path runDir) {
    this.args = args;
    this.runDir = runDir;
    this.seconds = args.duration("seconds", Duration.ofSeconds(30));
    this.warmup = args.duration("warmup", Duration.ofSeconds(40)); // C2 is still compiling the hot paths for ~30 s
    this.drain = args.duration("drain", Duration.ofSeconds(60));
  }

  public static void main(String[] argv) throws Exception {
    Args a = Args.parse(argv, OPTIONS, FLAGS);
    Path out = Path.of(a.string("out", "benchmarks/results"));
    Path runDir = out.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(runDir);
    LoadBench bench = new LoadBench(a, runDir);
    // Interrupted (Ctrl-C, SIGTERM): stop what this bench started, and nothing else.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      PostfixRelay postfix = bench.activePostfix;
      if (postfix != null) {
        postfix.close();
      }
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }, "bench-cleanup"));
    List<LegResult> results = bench.runAll();
    BenchReport report = new BenchReport(results, runDir, bench.describe());
    String table = report.write();
    BenchReport.copyLatest(runDir, out.resolve("latest"));
    System.out.println(table);
    System.out.println("results: " + runDir.toAbsolutePath());
    System.exit(0);
  }

  private String describe() {
    return "legs of " + seconds.toSeconds() + " s after a " + warmup.toSeconds() + " s warm-up, drain up to "
        + drain.toSeconds() + " s; " + args.integer("connections", 16) + " sending sessions, "
        + args.integer("messages-per-connection", 100) + " messages per connection; Mailward: "
        + args.string("mailward-version", "relay-app/target of this checkout");
  }

  private List<LegResult> runAll() throws Exception {
    int connections = args.integer("connections", 16);
    List<Profile> profiles = Profile.parse(args.string("profiles", "P1,P3"), connections,
        args.size("attachment", 2 * 1024 * 1024));
    List<String> systems = List.of(args.string("systems", "raw,postfix,mailward").split(","));
    List<LegResult> results = new ArrayList<>();
    Map<String, LegResult> byShape = new HashMap<>();
    for (Profile p : profiles) {
      for (String system : systems) {
        String key = system + ":" + LegResult.shape(p);
        LegResult reused = byShape.get(key);
        if (reused != null && !system.equals("mailward")) {
          results.add(new LegResult(reused.system(), p, reused.mode(), reused.injector(), reused.deliveredPerSecond(),
              reused.delivered(), reused.cpuSeconds(), reused.cpuOf(), reused.peakHeapBytes(), reused.peakRssBytes(),
              reused.loadBefore(), reused.loadAfter(), reused.deliveredSeries(), "same shape as " + reused.profile().name(),
              reused.halfRate()));
          continue;
        }
        String skip = skipReason(system, p);
        if (skip != null) {
          System.err.println("bench: skipping " + system + " " + p.name() + ": " + skip);
          continue;
        }
        System.err.printf("bench: %s %s (%s) ... load %.1f%n", system, p.name(), p.description(), ProcessTree.loadAverage());
        try {
          LegResult r = p.backlog() ? backlogLeg(p) : leg(system, p);
          results.add(r);
          byShape.put(key, r);
          System.err.printf("bench: %s %s: %.0f msg/s accepted, %.0f delivered/s, p99 %.1f ms%n", system, p.name(),
              r.acceptedPerSecond(), r.deliveredPerSecond(), r.injector().path("p99Ms").asDouble());
        } catch (Exception e) {
          System.err.println("bench: " + system + " " + p.name() + " failed: " + e.getMessage());
          e.printStackTrace();
        }
      }
    }
    return results;
  }

  private String skipReason(String system, Profile p) {
    if (system.equals("postfix") && !PostfixRelay.available()) {
      return "Postfix is not installed or we are not root";
    }
    if (system.equals("postfix") && p.idleConnections() > 0) {
      return "Postfix runs one smtpd process per session (process limit 100 as shipped): not comparable";
    }
    if (p.backlog() && !system.equals("mailward")) {
      return "P4 is measured on Mailward only";
    }
    if (system.equals("mailward") && args.string("mailward-classpath", "").isEmpty()) {
      return "no --mailward-classpath (build relay-app first)";
    }
    return null;
  }

  /** One measured leg: sink, relay, warm-up, run, drain, stop. */
  private LegResult leg(String system, Profile p) throws Exception {
    String name = system + "-" + p.name();
    try (SinkProcess sink = SinkProcess.start(benchClasspath, runDir.resolve(name + "-sink.log"))) {
      return switch (system) {
        case "raw" -> measure(name, system, "injector → sink (STARTTLS)", p, sink, sink.port(), sink.pid(), "sink", false,
            null, true);
        case "postfix" -> {
          try (PostfixRelay postfix = PostfixRelay.start(sink.port())) {
            activePostfix = postfix;
            yield measure(name, system, "Postfix " + postfixVersion() + ", durable queue, STARTTLS in and out, no AUTH",
                p, sink, postfix.port(), postfix.masterPid(), "relay", false, null, true);
          }
        }
        case "mailward" -> mailwardLeg(name, p, sink);
        default -> throw new IllegalArgumentException("unknown system " + system);
      };
    }
  }

  private LegResult mailwardLeg(String name, Profile profile, SinkProcess sink) throws Exception {
    Profile p = profile.purpose().equals("marketing") && args.string("consent", "import").equals("off")
        ? profile.withPurpose("transactional") : profile;
    String purpose = p.purpose().equals("marketing")
        ? "; tenant purpose marketing, " + MailwardRelay.RECIPIENT_SPACE + " authorizations imported (consent lookup per RCPT)"
        : "; tenant purpose " + p.purpose() + " (no consent record needed)";
    String delivery = args.string("delivery", "auto");
    boolean tryDelivery = !delivery.equals("off");
    Path dir = Files.createTempDirectory("mailward-bench-" + p.name());
    try {
      Path jfr = args.flag("jfr") ? runDir.resolve(name + ".jfr") : null;
      if (tryDelivery) {
        try (MailwardRelay relay = MailwardRelay.start(launch(), dir.resolve("a"), p, sink.port(), true, jfr)) {
          long warmAccepted = warm(name, p, relay.port(), true);
          boolean flowing = awaitCount(sink, (long) (warmAccepted * 0.9), Duration.ofSeconds(20));
          if (flowing || delivery.equals("on")) {
            String mode = flowing ? "full relay: inbound + policy + spool + delivery to the sink"
                : "delivery ON but mail did not reach the sink";
            return measure(name, "mailward", mode + purpose, p, sink, relay.port(), relay.pid(), "relay", true, relay, false);
          }
          System.err.println("bench: Mailward delivery is not flowing to the sink (not wired yet?); measuring with delivery off");
        }
      }
      try (MailwardRelay relay = MailwardRelay.start(launch(), dir.resolve("b"), p, sink.port(), false, jfr)) {
        return measure(name, "mailward", "inbound + policy + spool only (delivery.enabled: false)" + purpose,
            p, sink, relay.port(), relay.pid(), "relay", true, relay, true);
      }
    } finally {
      LocalResources.deleteTree(dir);
    }
  }

  private MailwardRelay.Launch launch() throws IOException {
    return new MailwardRelay.Launch(args.string("mailward-classpath", ""),
        MailwardRelay.flagsFrom(Path.of(args.string("mailward-flags-file", "relay-app/target/classes/mailward-jvm.flags"))),
        args.string("mailward-heap", "1g"), args.flag("jfr"));
  }

  private LegResult measure(String name, String system, String mode, Profile p, SinkProcess sink, int port, long relayPid,
      String cpuOf, boolean auth, MailwardRelay mailward, boolean warmFirst) throws Exception {
    if (warmFirst) {
      warm(name, p, port, auth);
    }
    boolean delivering = !mode.contains("delivery.enabled: false");
    if (delivering) {
      awaitQuiet(sink, Duration.ofSeconds(30)); // the warm-up's mail is through before the clock starts
    }
    ProcessTree tree = new ProcessTree(relayPid);
    AtomicLong peakRss = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakRss.accumulateAndGet(tree.rssBytes(), Math::max);
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-sampler");
    sampler.setDaemon(true);
    double load0 = ProcessTree.loadAverage();
    long base = sink.messages();
    double cpu0 = tree.cpuSeconds();
    sampler.start();
    long start = System.nanoTime();
    CompletableFuture<JsonNode> companion = companion(name, p, port, auth);
    JsonNode inj = inject(name, p, port, auth, seconds, p.idleConnections());
    JsonNode small = companion == null ? null : companion.get(seconds.toSeconds() + 180, TimeUnit.SECONDS);
    long expected = base + inj.path("accepted").asLong() + (small == null ? 0 : small.path("accepted").asLong());
    if (delivering) {
      awaitCount(sink, expected, drain);
    }
    double cpu1 = tree.cpuSeconds();
    sampler.interrupt();
    long end = sink.messages();
    long delivered = end - base;
    double deliveredRate = delivering && delivered > 0 ? sink.rateSince(start, base) : -1;
    int secs = (int) Math.ceil((System.nanoTime() - start) / 1e9);
    long heap = mailward == null ? -1 : mailward.peakHeapBytes();
    String note = delivering && end < expected ? (expected - end) + " accepted messages not delivered within the drain" : "";
    if (p.idleConnections() > 0) {
      note = (note.isEmpty() ? "" : note + "; ") + inj.path("idleReady").asLong() + " idle TLS sessions held open (opened in "
          + inj.path("idleOpenSeconds").asDouble() + " s) while " + p.connections() + " sessions sent";
    }
    if (small != null) {
      note = (note.isEmpty() ? "" : note + "; ") + String.format(Locale.ROOT,
          "concurrent %d-session 4 KB companion: %.0f msg/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d accepted / %d 4xx / "
              + "%d 5xx / %d errors (counted in delivered and CPU)", small.path("connections").asInt(),
          small.path("acceptedPerSecond").asDouble(), small.path("p50Ms").asDouble(), small.path("p99Ms").asDouble(),
          small.path("maxMs").asDouble(), small.path("accepted").asLong(), small.path("tempFailed").asLong(),
          small.path("permFailed").asLong(), small.path("errors").asLong());
    }
    long[] series = sink.perSecondSince(start, base, secs);
    double load1 = ProcessTree.loadAverage();
    JsonNode half = null;
    if (List.of(args.string("half-rate", "P1,P3").split(",")).contains(p.name()) && inj.path("acceptedPerSecond").asDouble() > 2) {
      // Open loop at half the peak just measured: the latency an operator sees when the relay is not saturated.
      List<String> a = injectorArgs(p, port, auth, 0);
      a.addAll(List.of("--duration", seconds.toMillis() + "ms", "--rate", Double.toString(inj.path("acceptedPerSecond").asDouble() / 2)));
      half = runInjector(name + "-half", a, seconds.plusSeconds(120));
      if (delivering) {
        awaitCount(sink, sink.messages() + half.path("accepted").asLong(), drain);
      }
    }
    return new LegResult(system, p, mode, inj, deliveredRate, delivered, cpu1 - cpu0, cpuOf, heap, peakRss.get(), load0,
        load1, series, note, half);
  }

  /**
   * For a profile with attachments (P6): a P3-shaped injector ({@code --companion} sessions, default 2, 0 = none)
   * sending 4 KB messages to the same relay for the same time, to show whether large messages stall small ones.
   */
  private CompletableFuture<JsonNode> companion(String name, Profile p, int port, boolean auth) {
    int sessions = args.integer("companion", 2);
    if (p.attachmentBytes() == 0 || sessions <= 0) {
      return null;
    }
    Profile small = Profile.named("P3", sessions, 0);
    return CompletableFuture.supplyAsync(() -> {
      try {
        return inject(name + "-companion", small, port, auth, seconds, 0);
      } catch (Exception e) {
        throw new IllegalStateException("companion injector failed: " + e.getMessage(), e);
      }
    });
  }

  /** P4: fill the queue while the sink refuses, then release it and measure the drain. */
  private LegResult backlogLeg(Profile p) throws Exception {
    String name = "mailward-" + p.name();
    long recipients = args.longValue("p4-recipients", 200_000);
    Path dir = Files.createTempDirectory("mailward-bench-P4");
    try (SinkProcess sink = SinkProcess.start(benchClasspath, runDir.resolve(name + "-sink.log"));
        MailwardRelay relay = MailwardRelay.start(launch(), dir, p, sink.port(), true, null)) {
      long warmAccepted = warm(name, p, relay.port(), true);
      if (!awaitCount(sink, (long) (warmAccepted * 0.9), Duration.ofSeconds(20))) {
        throw new IllegalStateException("P4 needs delivery: Mailward delivered nothing to the sink after the warm-up");
      }
      awaitQuiet(sink, Duration.ofSeconds(30));
      sink.refuse(true);
      long messages = Math.max(1, recipients / p.recipients());
      JsonNode inj = injectCount(name, p, relay.port(), messages);
      long queued = inj.path("accepted").asLong() * p.recipients();
      ProcessTree tree = new ProcessTree(relay.pid());
      double load0 = ProcessTree.loadAverage();
      long base = sink.recipients();
      long baseMessages = sink.messages();
      double cpu0 = tree.cpuSeconds();
      long start = System.nanoTime();
      sink.refuse(false);
      awaitCount(sink::recipients, base + queued, drain.multipliedBy(3));
      double cpu1 = tree.cpuSeconds();
      long delivered = sink.recipients() - base;
      double rate = delivered > 0 ? sink.recipientRateSince(start, base) : 0;
      int secs = (int) Math.ceil((System.nanoTime() - start) / 1e9);
      String note = delivered < queued ? (queued - delivered) + " of " + queued + " recipients not delivered within "
          + drain.multipliedBy(3).toSeconds() + " s" : "";
      return new LegResult("mailward", p, "backlog: " + queued + " recipients (" + inj.path("accepted").asLong()
          + " messages x " + p.recipients() + ") queued while the sink answered 451, then released; "
          + "delivered/s counts recipients drained", inj, rate, delivered, cpu1 - cpu0, "relay", relay.peakHeapBytes(),
          new ProcessTree(relay.pid()).rssBytes(), load0, ProcessTree.loadAverage(),
          sink.perSecondSince(start, baseMessages, secs), note, null);
    } finally {
      LocalResources.deleteTree(dir);
    }
  }

  private long warm(String name, Profile p, int port, boolean auth) throws Exception {
    if (warmup.isZero()) {
      return 0;
    }
    return inject(name + "-warmup", p, port, auth, warmup, 0).path("accepted").asLong();
  }

  private JsonNode inject(String name, Profile p, int port, boolean auth, Duration duration, int idle) throws Exception {
    List<String> a = injectorArgs(p, port, auth, idle);
    a.addAll(List.of("--duration", duration.toMillis() + "ms"));
    return runInjector(name, a, duration.plusSeconds(120 + idle / 20));
  }

  private JsonNode injectCount(String name, Profile p, int port, long count) throws Exception {
    List<String> a = injectorArgs(p, port, true, 0);
    a.addAll(List.of("--count", Long.toString(count), "--duration", drain.multipliedBy(5).toMillis() + "ms"));
    return runInjector(name, a, drain.multipliedBy(5).plusSeconds(120));
  }

  private List<String> injectorArgs(Profile p, int port, boolean auth, int idle) {
    List<String> a = new ArrayList<>(List.of("--port", Integer.toString(port), "--starttls",
        "--connections", Integer.toString(p.connections()),
        "--messages-per-connection", Integer.toString(args.integer("messages-per-connection", 100)),
        "--size", Integer.toString(p.messageSize()), "--attachment", Integer.toString(p.attachmentBytes()), "--recipients", Integer.toString(p.recipients()),
        "--from", "news@clinic.example", "--rcpt-domain", MailwardRelay.RECIPIENT_DOMAIN,
        "--rcpt-space", Integer.toString(MailwardRelay.RECIPIENT_SPACE),
        "--idle-connections", Integer.toString(idle)));
    if (auth) {
      a.addAll(List.of("--user", MailwardRelay.USER, "--password", MailwardRelay.PASSWORD));
    }
    return a;
  }

  private JsonNode runInjector(String name, List<String> injectorArgs, Duration timeout) throws Exception {
    try (ChildProcess c = ChildProcess.start(ChildProcess.java(List.of("-Xmx1g", "-XX:+UseParallelGC"), benchClasspath,
        SmtpInjector.class.getName(), injectorArgs), Map.of(), runDir.resolve(name + "-injector.log"), n -> {})) {
      c.waitFor(timeout);
      return c.awaitJson("injector", Duration.ofSeconds(5));
    }
  }

  private static boolean awaitCount(SinkProcess sink, long target, Duration timeout) throws InterruptedException {
    return awaitCount(sink::messages, target, timeout);
  }

  /** Waits until the counter reaches the target; false at the timeout or after 20 s without progress. */
  private static boolean awaitCount(LongSupplier counter, long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastChange = System.nanoTime();
    long seen = counter.getAsLong();
    while (System.nanoTime() < deadline) {
      long now = counter.getAsLong();
      if (now >= target) {
        return true;
      }
      if (now != seen) {
        seen = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > Duration.ofSeconds(20).toNanos() && now > 0) {
        return false; // stalled
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static void awaitQuiet(SinkProcess sink, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      long now = sink.messages();
      if (now == seen) {
        return;
      }
      seen = now;
      Thread.sleep(1500);
    }
  }

  private static String postfixVersion() {
    try {
      Process p = new ProcessBuilder("/usr/sbin/postconf", "-d", "-h", "mail_version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return v;
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

}
