package org.mailward.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A child process of the bench (sink, injector, Mailward): its output lines
 * are read on a daemon thread, kept (the last 2,000 for failure messages),
 * and JSON lines handed to a listener. Closing it ends the process it started
 * (SIGTERM, then SIGKILL) and nothing else.
 */
final class ChildProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<JsonNode> json = new CopyOnWriteArrayList<>();
  private final Object signal = new Object();
  private Thread reader;

  private ChildProcess(Process process) {
    this.process = process;
  }

  static ChildProcess start(List<String> command, Map<String, String> env, Path log, Consumer<JsonNode> onJson) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    ChildProcess c = new ChildProcess(pb.start());
    Thread t = new Thread(() -> c.read(log, onJson), "child-" + c.process.pid());
    t.setDaemon(true);
    c.reader = t;
    t.start();
    return c;
  }

  /** A java command line with this JVM's binary. */
  static List<String> java(List<String> jvmFlags, String classpath, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  private void read(Path log, Consumer<JsonNode> onJson) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var w = log == null ? null : java.nio.file.Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (w != null) {
          w.write(line);
          w.newLine();
          w.flush();
        }
        lines.add(line);
        if (lines.size() > 2000) {
          lines.remove(0);
        }
        if (line.startsWith("{")) {
          try {
            JsonNode n = JSON.readTree(line);
            json.add(n);
            onJson.accept(n);
          } catch (IOException notJson) {
            // a log line that starts with a brace
          }
        }
        synchronized (signal) {
          signal.notifyAll();
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits for an output line matching the predicate; fails with the output so far. */
  String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      while (true) {
        for (String l : lines) {
          if (match.test(l)) {
            return l;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
          throw new IllegalStateException("child " + process.pid() + " did not print the expected line; output:\n" + output());
        }
        signal.wait(Math.max(1, Math.min(500, left / 1_000_000)));
      }
    }
  }

  /** Waits for a JSON line whose {@code type} is the given one. */
  JsonNode awaitJson(String type, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode n : json) {
        if (type.equals(n.path("type").asText())) {
          return n;
        }
      }
      if (!process.isAlive()) {
        Thread.sleep(300);
        for (JsonNode n : json) {
          if (type.equals(n.path("type").asText())) {
            return n;
          }
        }
        throw new IllegalStateException("child " + process.pid() + " ended without a '" + type + "' line; output:\n" + output());
      }
      synchronized (signal) {
        signal.wait(200);
      }
    }
    throw new IllegalStateException("no '" + type + "' line from child " + process.pid() + " in " + timeout + "; output:\n" + output());
  }

  void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  String output() {
    List<String> l = lines;
    return String.join("\n", l.subList(Math.max(0, l.size() - 60), l.size()));
  }

  /** SIGTERM, wait, then SIGKILL. */
  void stop(Duration grace) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("child " + process.pid() + " ran past " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(20));
  }
}
