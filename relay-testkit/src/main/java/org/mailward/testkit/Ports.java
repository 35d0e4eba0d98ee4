package org.mailward.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free loopback ports for test peers (TCP, or UDP+TCP for DNS). */
public final class Ports {
  private Ports() {}

  public static int free(String host) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    }
  }

  public static int freeUdp(String host) throws IOException {
    for (int i = 0; i < 20; i++) {
      try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0))) {
        int port = d.getLocalPort();
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
          return port;
        } catch (IOException busy) {
          // TCP side taken: try another
        }
      }
    }
    throw new IOException("no free UDP+TCP port");
  }

  /** Whether a TCP connection to host:port succeeds within 200 ms. */
  public static boolean canConnect(String host, int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
