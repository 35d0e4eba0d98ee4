package org.mailward.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as the test resolver on 127.0.0.1 and a high port, serving
 * only what the test gives it for {@code .test} (everything else: REFUSED).
 */
public final class Dnsmasq implements AutoCloseable {
  private final Process process;
  private final int port;

  private Dnsmasq(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** @param records dnsmasq options such as {@code --mx-host=a.test,mx.a.test,10} */
  public static Dnsmasq start(Path work, List<String> records) throws IOException {
    return start(work, Ports.freeUdp("127.0.0.1"), records);
  }

  /** On a given port: a test that restarts DNS with other records (an outage that ends) keeps its resolver address. */
  public static Dnsmasq start(Path work, int port, List<String> records) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-hosts",
        "--no-resolv", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--local=/test/", "--pid-file=",
        "--user=root"));
    cmd.addAll(records);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("dnsmasq-" + port + ".log").toFile())
        .start();
    Dnsmasq d = new Dnsmasq(p, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (p.isAlive() && !Ports.canConnect("127.0.0.1", port) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!p.isAlive()) {
      throw new IOException("dnsmasq did not start; see " + work.resolve("dnsmasq-" + port + ".log"));
    }
    return d;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
