package org.mailward.testkit;

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
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The one raw-socket SMTP client of every module's tests: a deliberately plain, blocking
 * client that writes exactly the bytes it is given (so it can pipeline, smuggle and send
 * malformed input as-is), reads replies line by line, and upgrades to TLS (STARTTLS or
 * implicit). {@link #command} sends a line and reads its reply; {@link #send} only sends, for
 * pipelining, and {@link #expect} reads the next reply later. With no TLS context given it
 * trusts any server certificate (it tests servers, not certificates); given one (e.g. trusting
 * a {@link TestCa}), it verifies against it. Does not: retry, or hide a server's refusal.
 */
public final class SmtpTestClient implements AutoCloseable {
  private final SSLContext tls;
  private final String tlsHost;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpTestClient(InetSocketAddress address, String localAddress, SSLContext tls, String tlsHost) throws IOException {
    this.tls = tls;
    this.tlsHost = tlsHost;
    Socket s = new Socket();
    if (localAddress != null) {
      s.bind(new InetSocketAddress(localAddress, 0));
    }
    s.connect(address, 5000);
    s.setTcpNoDelay(true);
    s.setSoTimeout(30_000);
    use(s);
  }

  /** Connects; TLS later trusts any certificate. */
  public static SmtpTestClient connect(InetSocketAddress address) throws IOException {
    return new SmtpTestClient(address, null, trustAll(), address.getAddress().getHostAddress());
  }

  /** Connects from a given local address (e.g. {@code 127.0.0.5}), for tests that need distinct clients. */
  public static SmtpTestClient connectFrom(String localAddress, InetSocketAddress address) throws IOException {
    return new SmtpTestClient(address, localAddress, trustAll(), address.getAddress().getHostAddress());
  }

  /** Connects; TLS later uses {@code tls} (and names the server {@code localhost}). */
  public static SmtpTestClient connect(InetSocketAddress address, SSLContext tls) throws IOException {
    return connect(address, tls, null);
  }

  /** As {@link #connect(InetSocketAddress, SSLContext)}, from {@code localAddress} (null: any), e.g. 127.0.0.2 for "another host". */
  public static SmtpTestClient connect(InetSocketAddress address, SSLContext tls, String localAddress) throws IOException {
    return new SmtpTestClient(address, localAddress, tls, "localhost");
  }

  /** Connects with implicit TLS. */
  public static SmtpTestClient implicitTls(InetSocketAddress address, SSLContext tls) throws IOException {
    SmtpTestClient c = connect(address, tls);
    c.upgrade();
    return c;
  }

  /** The AUTH PLAIN argument for {@code user} and {@code password}. */
  public static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  private void use(Socket s) throws IOException {
    this.socket = s;
    this.in = new BufferedInputStream(s.getInputStream());
    this.out = s.getOutputStream();
  }

  /** One complete (possibly multi-line) reply. */
  public record Reply(int code, List<String> lines) {
    public String text() {
      return String.join("\n", lines);
    }

    /** The last line without the code, e.g. {@code 2.0.0 Ok: queued as ...}. */
    public String last() {
      String l = lines.get(lines.size() - 1);
      return l.length() > 4 ? l.substring(4) : "";
    }

    /** Asserts the code; returns this reply. */
    public Reply expect(int expected) {
      assertThat(code).as(text()).isEqualTo(expected);
      return this;
    }
  }

  public Reply read() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new IOException("connection closed; read so far: " + lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
      }
    }
  }

  /** Reads the next reply and asserts its code. */
  public Reply expect(int code) throws IOException {
    return read().expect(code);
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
    } catch (IOException e) { // the timeout, a TLS alert or the server closing: what came before is the answer
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
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }

  /** Writes raw bytes (add CRLFs yourself); reads nothing. */
  public SmtpTestClient write(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
    return this;
  }

  /** Writes raw text as UTF-8 (add CRLFs yourself); reads nothing. */
  public SmtpTestClient write(String raw) throws IOException {
    return write(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The raw stream to the server, for tests that stream a large DATA phase themselves. */
  public OutputStream output() {
    return out;
  }

  /** Sends one command line without reading its reply (pipelining: {@link #expect} reads it later). */
  public SmtpTestClient send(String line) throws IOException {
    return write(line + "\r\n");
  }

  /** Sends one command line and reads its reply. */
  public Reply command(String line) throws IOException {
    return send(line).read();
  }

  /** Sends MAIL, RCPTs (each must get 250), DATA and the dot-stuffed body; returns the final reply. */
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
    write(sb.append(".\r\n").toString());
    return read();
  }

  /** Reads the greeting, EHLO, STARTTLS, EHLO again and AUTH PLAIN; returns the AUTH reply. */
  public Reply startTlsAndLogin(String helo, String user, String password) throws IOException {
    read();
    command("EHLO " + helo);
    Reply r = command("STARTTLS");
    if (r.code() != 220) {
      throw new IOException("STARTTLS refused: " + r);
    }
    startTls();
    command("EHLO " + helo);
    return command("AUTH PLAIN " + plain(user, password));
  }

  /** Layers TLS over the connection (after a 220 to STARTTLS). */
  public void startTls() throws IOException {
    upgrade();
  }

  /** Starts TLS on the open connection (after the server's 220 to STARTTLS, or for implicit TLS). */
  public SslInfo upgrade() throws IOException {
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, tlsHost, socket.getPort(), true);
    s.setUseClientMode(true);
    s.startHandshake();
    use(s);
    return new SslInfo(s.getSession().getProtocol(), s.getSession().getCipherSuite());
  }

  /** The protocol and cipher suite a TLS upgrade agreed on. */
  public record SslInfo(String protocol, String cipher) {}

  /** The serial number of the server's leaf certificate (hex), after {@link #upgrade()}. */
  public String peerSerial() throws IOException {
    var certs = ((SSLSocket) socket).getSession().getPeerCertificates();
    return ((X509Certificate) certs[0]).getSerialNumber().toString(16);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static SSLContext trustAll() throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
