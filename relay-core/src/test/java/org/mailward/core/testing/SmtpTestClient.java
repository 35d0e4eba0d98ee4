package org.mailward.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw-socket SMTP client for protocol tests: sends exact bytes (so it can
 * smuggle, pipeline and inject), reads replies, upgrades to TLS.
 */
public final class SmtpTestClient implements AutoCloseable {
  private final SSLContext tls;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** One reply: code and full text of all lines. */
  public record Reply(int code, String text) {
    public Reply expect(int expected) {
      assertThat(code).as(text).isEqualTo(expected);
      return this;
    }
  }

  public SmtpTestClient(InetSocketAddress address, SSLContext tls) throws IOException {
    this(address, tls, null);
  }

  /** @param localAddress the client's own address, e.g. 127.0.0.2 to come from "another host"; null: any */
  public SmtpTestClient(InetSocketAddress address, SSLContext tls, String localAddress) throws IOException {
    this.tls = tls;
    socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(localAddress, 0));
    }
    socket.connect(address, 5000);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(15_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Connects with implicit TLS. */
  public static SmtpTestClient implicitTls(InetSocketAddress address, SSLContext tls) throws IOException {
    SmtpTestClient c = new SmtpTestClient(address, tls);
    c.upgrade();
    return c;
  }

  public static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  public SmtpTestClient command(String line) throws IOException {
    return raw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  public SmtpTestClient raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  public SmtpTestClient raw(String s) throws IOException {
    return raw(s.getBytes(StandardCharsets.UTF_8));
  }

  public Reply expect(int code) throws IOException {
    return read().expect(code);
  }

  public Reply read() throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new IOException("connection closed; read so far: " + text);
      }
      text.append(line).append('\n');
      if (line.length() < 4 || line.charAt(3) == ' ') {
        return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
      }
    }
  }

  /** The replies that arrive within the timeout (for "this must never be answered" checks). */
  public List<Reply> readAvailable(int timeoutMillis) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    List<Reply> r = new ArrayList<>();
    try {
      while (true) {
        r.add(read());
      }
    } catch (SocketTimeoutException | javax.net.ssl.SSLException e) {
      return r;
    } catch (IOException e) {
      return r;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(old);
      }
    }
  }

  /** True when the server has closed the connection (EOF within the timeout). */
  public boolean closedByServer(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }

  /** Starts TLS on the open connection (after the server's 220 to STARTTLS, or for implicit TLS). */
  public SslInfo upgrade() throws IOException {
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
    s.setUseClientMode(true);
    s.startHandshake();
    socket = s;
    in = new BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
    return new SslInfo(s.getSession().getProtocol(), s.getSession().getCipherSuite());
  }

  public record SslInfo(String protocol, String cipher) {}

  /** The serial number of the server's leaf certificate, after {@link #upgrade()}. */
  public String peerSerial() throws IOException {
    var certs = ((SSLSocket) socket).getSession().getPeerCertificates();
    return ((java.security.cert.X509Certificate) certs[0]).getSerialNumber().toString(16);
  }

  /** Sends MAIL, RCPTs, DATA and the dot-stuffed body; returns the final reply. */
  public Reply sendMessage(String from, List<String> to, String body) throws IOException {
    command("MAIL FROM:<" + from + ">").expect(250);
    for (String t : to) {
      command("RCPT TO:<" + t + ">").expect(250);
    }
    command("DATA").expect(354);
    StringBuilder sb = new StringBuilder();
    String text = body.endsWith("\r\n") ? body.substring(0, body.length() - 2) : body;
    for (String line : text.split("\r\n", -1)) {
      sb.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
    }
    raw(sb.append(".\r\n").toString());
    return read();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
