package org.mailward.bench.load;

import org.mailward.testkit.PrivatePostfix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    PostfixRelay p = new PostfixRelay(PrivatePostfix.newDirectory("mailward-bench-postfix"), LocalResources.freeLoopbackPort());
    try {
      p.configure(sinkPort);
      p.running = true;
      PrivatePostfix.start(p.dir, p.port);
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
    TestCa.PemFiles pem = TestCa.create("Postfix bench CA").issue("postfix.test", "127.0.0.1").write(etc, "smtpd");
    List<String> main = PrivatePostfix.mainCf(dir, "postfix.test", "postfix-bench");
    main.addAll(List.of(
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
        "message_size_limit = 104857600"));
    Files.write(etc.resolve("main.cf"), main, StandardCharsets.US_ASCII);
    Files.write(etc.resolve("master.cf"), PrivatePostfix.masterCf(port), StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    PrivatePostfix.stopAndDelete(dir, running);
    running = false;
  }

}
