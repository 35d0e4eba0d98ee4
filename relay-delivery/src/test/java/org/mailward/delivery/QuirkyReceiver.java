package org.mailward.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mailward.testkit.Ports;
import org.mailward.testkit.TestCa;
import org.mailward.testkit.TestResources;

/**
 * aiosmtpd with STARTTLS and one deliberate quirk (test resource
 * quirky_receiver.py): {@code rcpt-421}, {@code no-8bitmime} or {@code dsn}.
 * Messages land as files; stops when closed. The well-behaved receiver is
 * relay-testkit's {@code Receiver}.
 */
final class QuirkyReceiver implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private QuirkyReceiver(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static QuirkyReceiver start(Path work, String host, TestCa.Issued cert, String quirk) throws IOException {
    Path dir = Files.createDirectories(work.resolve("quirky-" + quirk + "-" + System.nanoTime()));
    Path script = TestResources.extract("quirky_receiver.py", work);
    TestCa.PemFiles pem = cert.write(dir.resolve("tls"), "server");
    int port = Ports.free(host);
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--host", host, "--port", Integer.toString(port),
        "--out", dir.toString(), "--quirk", quirk, "--cert", pem.certificate().toString(), "--key", pem.key().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    QuirkyReceiver r = new QuirkyReceiver(p, dir, port);
    try {
      Await.until(Duration.ofSeconds(20), () -> Files.exists(dir.resolve("ready")) || !p.isAlive(), "quirky receiver");
    } catch (AssertionError e) {
      r.close();
      throw e;
    }
    if (!p.isAlive()) {
      throw new IOException("quirky receiver did not start: " + Files.readString(dir.resolve("log")));
    }
    return r;
  }

  int port() {
    return port;
  }

  /** Messages received so far, in arrival order. */
  List<String> messages() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(f -> f.toString().endsWith(".eml"))
          .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replace(".eml", "")))).toList();
      List<String> out = new java.util.ArrayList<>();
      for (Path f : files) {
        out.add(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
      return out;
    }
  }

  @Override
  public void close() {
    process.destroy();
    process.onExit().completeOnTimeout(process, 5, TimeUnit.SECONDS).join();
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
