package org.mailward.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * A deliberately plain, blocking SMTP client for tests: writes exactly the bytes
 * it is given (so pipelining and malformed input can be sent as-is), reads
 * replies line by line, and can upgrade to TLS with STARTTLS. Trusts any server
 * certificate: it tests servers, not certificates.
 */
public final class SmtpTestClient implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpTestClient(Socket socket) throws IOException {
    use(socket);
  }

  public static SmtpTestClient connect(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.connect(address, 5000);
    s.setSoTimeout(30_000);
    return new SmtpTestClient(s);
  }

  /** Connects from a given local address (e.g. {@code 127.0.0.5}), for tests that need distinct clients. */
  public static SmtpTestClient connectFrom(String localAddress, InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localAddress, 0));
    s.connect(address, 5000);
    s.setSoTimeout(30_000);
    return new SmtpTestClient(s);
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

  /** Writes raw bytes (add CRLFs yourself). */
  public void write(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The raw stream to the server, for tests that stream a large DATA phase themselves. */
  public OutputStream output() {
    return out;
  }

  /** Sends one command line and reads its reply. */
  public Reply command(String line) throws IOException {
    write(line + "\r\n");
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
    String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    return command("AUTH PLAIN " + token);
  }

  /** Layers TLS over the connection (after a 220 to STARTTLS). */
  public void startTls() throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket,
          socket.getInetAddress().getHostAddress(), socket.getPort(), true);
      tls.setUseClientMode(true);
      tls.startHandshake();
      use(tls);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
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
