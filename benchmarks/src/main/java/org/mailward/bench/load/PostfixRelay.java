package org.mailward.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mailward.testkit.TestCa;

/**
 * Debian's Postfix as the reference relay of the load bench: a private
 * instance (own config, queue and data directories in a temp directory, no
 * chroot, nothing under /etc/postfix) with smtpd on 127.0.0.1 offering
 * STARTTLS and relaying for 127.0.0.0/8 without AUTH, a durable queue as
 * shipped (Postfix fsyncs each queue file before its 250), and
 * relayhost = [127.0.0.1]:sink with {@code smtp_tls_security_level = encrypt} and TLS connection
 * reuse (tlsproxy).
 * Must run as root. The same limits Postfix ships with apply (process limit
 * 100, in_flow_delay 1s).
 */
final class PostfixRelay implements AutoCloseable {
  private final Path dir;
  private final Path etc;
  private final int port;
  private boolean running;

  private PostfixRelay(Path dir, int port) {
    this.dir = dir;
    this.etc = dir.resolve("etc");
    this.port = port;
  }

  static boolean available() {
    return Files.isExecutable(Path.of("/usr/sbin/postfix")) && "root".equals(System.getProperty("user.name"));
  }

  static PostfixRelay start(int sinkPort) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("mailward-bench-postfix");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PostfixRelay p = new PostfixRelay(dir, LocalResources.freeLoopbackPort());
    try {
      p.configure(sinkPort);
      p.run("/usr/sbin/postfix", "-c", p.etc.toString(), "check");
      p.run("/usr/sbin/postfix", "-c", p.etc.toString(), "start");
      p.running = true;
      p.awaitListening();
      return p;
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** The master process: root of the tree whose CPU and memory are measured. */
  long masterPid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("queue/pid/master.pid")).trim());
  }

  /** Messages still in the queue (active, incoming, deferred, maildrop), by counting queue files. */
  long queued() {
    long n = 0;
    for (String q : List.of("incoming", "active", "deferred", "maildrop", "hold")) {
      Path p = dir.resolve("queue").resolve(q);
      if (Files.isDirectory(p)) {
        try (var s = Files.walk(p)) {
          n += s.filter(Files::isRegularFile).count();
        } catch (IOException | java.io.UncheckedIOException e) {
          // files move while we walk; a rough count is enough
        }
      }
    }
    return n;
  }

  private void configure(int sinkPort) throws IOException, InterruptedException {
    Files.createDirectories(etc);
    Files.createDirectories(dir.resolve("queue"));
    TestCa.PemFiles pem = TestCa.create("Postfix bench CA").issue("postfix.test", "127.0.0.1").write(etc, "smtpd");
    List<String> main = List.of(
        "compatibility_level = 3.6",
        "queue_directory = " + dir.resolve("queue"),
        "data_directory = " + dir.resolve("data"),
        "mail_owner = postfix",
        "setgid_group = postdrop",
        "inet_interfaces = 127.0.0.1",
        "inet_protocols = ipv4",
        "myhostname = postfix.test",
        "mydomain = postfix.test",
        "myorigin = postfix.test",
        "mydestination =",
        "mynetworks = 127.0.0.0/8",
        "smtpd_relay_restrictions = permit_mynetworks, reject",
        "alias_maps =",
        "alias_database =",
        "local_transport = error:local delivery is disabled",
        "relayhost = [127.0.0.1]:" + sinkPort,
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + pem.certificate(),
        "smtpd_tls_key_file = " + pem.key(),
        "smtpd_tls_session_cache_database = btree:" + dir.resolve("data/smtpd_scache"),
        "smtp_tls_security_level = encrypt",
        "smtp_tls_session_cache_database = btree:" + dir.resolve("data/smtp_scache"),
        "smtp_tls_loglevel = 0",
        // Reuse TLS connections to the next hop (through tlsproxy); without it Postfix makes a new TCP+TLS
        // session for every delivery, which would understate what a tuned Postfix does.
        "smtp_tls_connection_reuse = yes",
        "smtpd_tls_loglevel = 0",
        "maillog_file_prefixes = " + dir,
        "maillog_file = " + dir.resolve("maillog"),
        "syslog_name = postfix-bench",
        "message_size_limit = 104857600",
        "delay_warning_time = 0",
        "biff = no");
    Files.write(etc.resolve("main.cf"), main, StandardCharsets.US_ASCII);
    List<String> master = List.of(
        "127.0.0.1:" + port + " inet n - n - - smtpd",
        "pickup    unix  n - n 60 1 pickup",
        "cleanup   unix  n - n - 0 cleanup",
        "qmgr      unix  n - n 300 1 qmgr",
        "tlsmgr    unix  - - n 1000? 1 tlsmgr",
        "tlsproxy  unix  - - n - 0 tlsproxy",
        "rewrite   unix  - - n - - trivial-rewrite",
        "bounce    unix  - - n - 0 bounce",
        "defer     unix  - - n - 0 bounce",
        "trace     unix  - - n - 0 bounce",
        "verify    unix  - - n - 1 verify",
        "flush     unix  n - n 1000? 0 flush",
        "proxymap  unix  - - n - - proxymap",
        "proxywrite unix - - n - 1 proxymap",
        "smtp      unix  - - n - - smtp",
        "relay     unix  - - n - - smtp",
        "showq     unix  n - n - - showq",
        "error     unix  - - n - - error",
        "retry     unix  - - n - - error",
        "discard   unix  - - n - - discard",
        "local     unix  - n n - - local",
        "anvil     unix  - - n - 1 anvil",
        "scache    unix  - - n - 1 scache",
        "postlog   unix-dgram n - n - 1 postlogd");
    Files.write(etc.resolve("master.cf"), master, StandardCharsets.US_ASCII);
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("Postfix did not listen on 127.0.0.1:" + port + "; log:\n" + log());
  }

  String log() {
    try {
      String s = Files.readString(dir.resolve("maillog"), StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + Arrays.toString(command));
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(Arrays.toString(command) + " exited " + p.exitValue() + ": " + text);
    }
    return text;
  }


  @Override
  public void close() {
    if (running) {
      try {
        run("/usr/sbin/postfix", "-c", etc.toString(), "stop");
      } catch (IOException | InterruptedException e) {
        try {
          run("/usr/sbin/postfix", "-c", etc.toString(), "abort");
        } catch (IOException | InterruptedException ignored) {
          // best effort
        }
      }
      running = false;
    }
    LocalResources.deleteTree(dir);
  }
}
