package org.mailward.policy.readiness;

import java.io.IOException;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A private dnsmasq on 127.0.0.1 and a free high port, serving only the TXT records given. */
final class LocalDns implements AutoCloseable {
  private final Process process;
  private final int port;

  LocalDns(String zone, List<String> txtRecords) throws IOException, InterruptedException {
    // The free UDP port may be taken on TCP (dnsmasq binds both) by another test running
    // alongside: dnsmasq then exits with 2 (network error), and a fresh port is tried.
    for (int attempt = 1; ; attempt++) {
      int candidate;
      try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
        candidate = s.getLocalPort();
      }
      Process started = start(zone, txtRecords, candidate);
      Thread.sleep(300);
      if (started.isAlive()) {
        process = started;
        port = candidate;
        return;
      }
      if (attempt == 3) {
        throw new IOException("dnsmasq exited with " + started.exitValue());
      }
    }
  }

  private static Process start(String zone, List<String> txtRecords, int port) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
        "--local=/" + zone + "/", "--pid-file=", "--user=root", "--log-facility=-"));
    for (String t : txtRecords) {
      cmd.add("--txt-record=" + t);
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  int port() {
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
