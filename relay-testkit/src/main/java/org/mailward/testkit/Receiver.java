package org.mailward.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real receiving MTA for tests: Debian's aiosmtpd (test resource receiver.py)
 * on a loopback address, with STARTTLS when given a certificate. Messages land
 * as files in {@link #dir()}. Stops when closed.
 */
public final class Receiver implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final String host;
  private final int port;

  private Receiver(Process process, Path dir, String host, int port) {
    this.process = process;
    this.dir = dir;
    this.host = host;
    this.port = port;
  }

  public static Receiver start(Path work, String host, Optional<TestCa.Issued> cert, String mode) throws IOException {
    return start(work, host, cert, mode, true);
  }

  /** @param pipelining whether EHLO offers PIPELINING */
  public static Receiver start(Path work, String host, Optional<TestCa.Issued> cert, String mode, boolean pipelining)
      throws IOException {
    Path dir = Files.createDirectories(work.resolve("rcv-" + host + "-" + System.nanoTime()));
    Path script = work.resolve("receiver.py");
    if (!Files.exists(script)) {
      try (InputStream in = Receiver.class.getResourceAsStream("/receiver.py")) {
        Files.copy(in, script);
      }
    }
    int port = Ports.free(host);
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--host", host, "--port",
        Integer.toString(port), "--out", dir.toString(), "--mode", mode, "--pipelining", pipelining ? "yes" : "no"));
    if (cert.isPresent()) {
      TestCa.PemFiles pem = cert.get().write(dir.resolve("tls"), "server");
      cmd.addAll(List.of("--cert", pem.certificate().toString(), "--key", pem.key().toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null) {
      if (line.equals("READY")) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe empty
            }
          } catch (IOException ignored) {
            // process ended
          }
        }, "receiver-drain");
        drain.setDaemon(true);
        drain.start();
        return new Receiver(p, dir, host, port);
      }
      seen.append(line).append('\n');
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly();
    throw new IOException("receiver did not start: " + seen);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  /** The messages received so far, as text, in arrival order. */
  public List<String> messages() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".eml"))
          .sorted((a, b) -> Integer.compare(num(a), num(b)))
          .map(p -> {
            try {
              return Files.readString(p, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).toList();
    }
  }

  /**
   * The recipients of every DATA answered 451 so far, one entry per recipient and attempt, in
   * order (modes {@code tempfail-data:N} and {@code tempfail-until-released}).
   */
  public List<String> tempfailedRecipients() throws IOException {
    Path f = dir.resolve("tempfailed.txt");
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  /** Mode {@code tempfail-until-released}: from now on DATA is accepted. */
  public void release() throws IOException {
    Files.deleteIfExists(dir.resolve("tempfail"));
  }

  private static int num(Path p) {
    String n = p.getFileName().toString();
    return Integer.parseInt(n.substring(0, n.indexOf('.')));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
