package org.mailward.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A man in the middle on loopback for tests: forwards TCP to a real receiver
 * and records every byte the client sent, so a test can prove what went over
 * the wire. With {@code stripStartTls} it rewrites the server's EHLO reply so
 * that STARTTLS is no longer offered (the classic downgrade attack).
 */
public final class RecordingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final boolean stripStartTls;
  private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
  private volatile int connections;

  public RecordingProxy(String host, InetSocketAddress target, boolean stripStartTls) throws IOException {
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
    this.target = target;
    this.stripStartTls = stripStartTls;
    Thread t = new Thread(this::accept, "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public int connections() {
    return connections;
  }

  /** Everything clients sent, as ISO-8859-1 text. */
  public String clientBytes() {
    synchronized (fromClient) {
      return fromClient.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket c = server.accept();
        connections++;
        Socket s = new Socket();
        s.connect(target, 5000);
        pump(c.getInputStream(), s.getOutputStream(), true, c, s);
        pump(s.getInputStream(), c.getOutputStream(), false, c, s);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean record, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          if (record) {
            synchronized (fromClient) {
              fromClient.write(buf, 0, n);
            }
            out.write(buf, 0, n);
          } else if (stripStartTls) {
            String s = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            s = s.replaceAll("250-STARTTLS\r\n", "").replaceAll("250 STARTTLS\r\n", "250 X-NOTHING\r\n");
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
          } else {
            out.write(buf, 0, n);
          }
          out.flush();
        }
      } catch (IOException ignored) {
        // one side closed
      } finally {
        try {
          a.close();
          b.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
