package org.mailward.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailward.core.auth.PasswordHasher;

/**
 * Mailward as the relay under test: a child JVM ({@code org.mailward.app.Main
 * start --config FILE}) from relay-app's build, with its own data directory,
 * one STARTTLS listener on 127.0.0.1, one tenant (production Argon2id password
 * hash), and either delivery routed to the sink ({@code delivery.routes}) or
 * delivery disabled (mail stays in the spool). GC is logged to a file for the
 * peak heap; JFR optionally records a profile.
 */
final class MailwardRelay implements AutoCloseable {
  static final String USER = "apikey-bench";
  static final String PASSWORD = "bench-password-0123456789";
  static final String RECIPIENT_DOMAIN = "patients.example";
  /** Distinct recipients the injector cycles through ({@code p0@…} to {@code p49999@…}); each gets consent for marketing. */
  static final int RECIPIENT_SPACE = 50_000;

  private final ChildProcess process;
  private final int port;
  private final Path gcLog;

  private MailwardRelay(ChildProcess process, int port, Path gcLog) {
    this.process = process;
    this.port = port;
    this.gcLog = gcLog;
  }

  /** What the bench needs to launch Mailward. */
  record Launch(String classpath, List<String> jvmFlags, String heap, boolean jfr) {}

  /**
   * Starts Mailward and waits for {@code ready}. Delivery settings beyond {@code enabled} and {@code routes}
   * (no MTA-STS or DANE lookups, a resolver on loopback that answers nothing, short retries for P4) are
   * dropped again if this build of relay-app does not know them yet.
   */
  static MailwardRelay start(Launch launch, Path dir, Profile profile, int sinkPort, boolean delivery, Path jfrFile)
      throws IOException, InterruptedException {
    try {
      return start(launch, dir, profile, sinkPort, delivery, jfrFile, true);
    } catch (IllegalStateException e) {
      if (!e.getMessage().contains("unknown key")) {
        throw e;
      }
      System.err.println("bench: this relay-app does not know the newer delivery keys; starting with enabled/routes only");
      return start(launch, dir, profile, sinkPort, delivery, jfrFile, false);
    }
  }

  private static MailwardRelay start(Launch launch, Path dir, Profile profile, int sinkPort, boolean delivery, Path jfrFile,
      boolean deliveryExtras) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = LocalResources.freeLoopbackPort();
    Map<String, String> env = new HashMap<>();
    String dkim = "";
    if (profile.dkim()) {
      Path key = DkimKey.write(dir.resolve("dkim.pem"), "bench-passphrase");
      env.put("BENCH_DKIM_PASSPHRASE", "bench-passphrase");
      dkim = """
                dkim:
                  domain: clinic.example
                  selector: bench
                  keyFile: %s
                  passphraseEnv: BENCH_DKIM_PASSPHRASE
                  signAll: true
          """.formatted(key);
    }
    String extras = !deliveryExtras ? "" : """
          dns:
            resolver: "127.0.0.1:9"
            timeout: 1s
          retry:
            initialBackoff: 2s
            maxBackoff: 5s
          mtaSts:
            enabled: false
          dane:
            enabled: false
        """;
    String hash = new PasswordHasher().hash(PASSWORD.toCharArray());
    String yaml = """
        hostname: relay.bench.test
        dataDir: %s
        inbound:
          listeners:
            - name: submission
              address: 127.0.0.1
              port: %d
              mode: starttls
          maxConnections: 20000
          maxConnectionsPerIp: 20000
        delivery:
          enabled: %s
          routes:
            %s: "[127.0.0.1]:%d"
        %s
        metrics:
          enabled: false
        admin:
          enabled: false
        tenants:
          - id: bench
            username: %s
            passwordHash: "%s"
            senderDomains: [clinic.example]
            defaultPurpose: %s
            maxConnections: 20000
            policy:
              phi:
                enabled: true
        %s
        """.formatted(dir.resolve("data"), port, delivery, RECIPIENT_DOMAIN, sinkPort, extras, USER, hash, profile.purpose(),
        dkim);
    Path config = dir.resolve("mailward.yaml");
    Files.writeString(config, yaml);
    if (profile.purpose().equals("marketing")) {
      importConsent(launch, dir, config, env);
    }
    Path gcLog = dir.resolve("gc.log");
    List<String> flags = new ArrayList<>(launch.jvmFlags());
    flags.add("-Xmx" + launch.heap());
    flags.add("-Xlog:gc:file=" + gcLog);
    if (jfrFile != null) {
      flags.add("-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile,dumponexit=true");
    }
    ChildProcess p = ChildProcess.start(ChildProcess.java(flags, launch.classpath(), "org.mailward.app.Main",
        List.of("start", "--config", config.toString())), env, dir.resolve("mailward.out"), n -> {});
    try {
      p.awaitLine("ready"::equals, Duration.ofSeconds(90));
    } catch (IllegalStateException | InterruptedException e) {
      p.stop(Duration.ofSeconds(5));
      throw e;
    }
    return new MailwardRelay(p, port, gcLog);
  }

  /**
   * Grants a marketing authorization to every recipient the injector will use, with {@code mailward
   * consent-import} (offline, before start), so P1's consent lookups find a record.
   */
  private static void importConsent(Launch launch, Path dir, Path config, Map<String, String> env)
      throws IOException, InterruptedException {
    Path csv = dir.resolve("consent.csv");
    java.time.LocalDate today = java.time.LocalDate.now();
    try (var w = Files.newBufferedWriter(csv)) {
      w.write("email,purposes,granted_at,expires_at,evidence\n");
      for (int i = 0; i < RECIPIENT_SPACE; i++) {
        w.write("p" + i + "@" + RECIPIENT_DOMAIN + ",marketing," + today.minusDays(30) + "," + today.plusDays(335)
            + ",bench-form-" + i + "\n");
      }
    }
    ChildProcess c = ChildProcess.start(ChildProcess.java(launch.jvmFlags(), launch.classpath(), "org.mailward.app.Main",
        List.of("consent-import", "--config", config.toString(), "--tenant", "bench", csv.toString())), env,
        dir.resolve("consent-import.out"), n -> {});
    int rc = c.waitFor(Duration.ofMinutes(5));
    if (rc != 0) {
      throw new IllegalStateException("consent-import failed (exit " + rc + "):\n" + c.output());
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  String output() {
    return process.output();
  }

  /** Peak heap used, in bytes: the largest "before" figure of any GC in the log, or the heap now if larger. */
  long peakHeapBytes() {
    long peak = 0;
    try {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)")
          .matcher(Files.readString(gcLog));
      while (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)) << 20);
      }
    } catch (IOException | RuntimeException e) {
      // no GC yet
    }
    return Math.max(peak, heapNow());
  }

  private long heapNow() {
    try {
      Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(j.getInputStream().readAllBytes());
      j.waitFor();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
    } catch (IOException | InterruptedException | RuntimeException e) {
      return 0;
    }
  }

  /** JVM flags from relay-app's build (the Chronicle opens/exports), plus what JDK 22+ needs. */
  static List<String> flagsFrom(Path flagsFile) throws IOException {
    List<String> flags = new ArrayList<>(Arrays.asList(Files.readString(flagsFile).trim().split("\\s+")));
    if (Runtime.version().feature() >= 22) {
      flags.add("--enable-native-access=ALL-UNNAMED");
      flags.add("--sun-misc-unsafe-memory-access=allow");
    }
    return flags;
  }


  @Override
  public void close() throws InterruptedException {
    process.stop(Duration.ofSeconds(40));
  }
}
