package org.mailward.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Mailward relay in a child JVM ({@code Main start --config FILE}) for tests
 * that kill it: started with the same class path and JVM flags as the test.
 */
final class RelayProcess implements AutoCloseable {
  private final Process process;
  private final StringBuffer output = new StringBuffer();

  private RelayProcess(Process process) {
    this.process = process;
  }

  static RelayProcess start(Path config) throws IOException, InterruptedException {
    return start(config, "512m");
  }

  /** @param maxHeap the child's -Xmx, e.g. {@code 96m} to prove something streams */
  static RelayProcess start(Path config, String maxHeap) throws IOException, InterruptedException {
    return start(config, maxHeap, java.util.Map.of());
  }

  /** @param env more environment variables for the child (e.g. a DKIM key's passphrase) */
  static RelayProcess start(Path config, String maxHeap, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String flags = System.getProperty("mailward.jvm.flags", "");
    if (!flags.isBlank()) {
      cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
    }
    if (Runtime.version().feature() >= 22) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("start");
    cmd.add("--config");
    cmd.add(config.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    RelayProcess rp = new RelayProcess(p);
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          rp.output.append(line).append('\n');
          if (line.equals("ready")) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    }, "relay-output");
    reader.setDaemon(true);
    reader.start();
    // a start takes ~5 s idle and was seen at 22 s with the machine's load at 19: wait generously, but bounded
    if (!ready.await(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("relay did not become ready:\n" + rp.output);
    }
    return rp;
  }

  /** SIGHUP: what {@code systemctl reload} sends. */
  void hangup() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -HUP failed");
    }
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the graceful path (drain, close the spool). */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  String output() {
    return output.toString();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
