package org.mailward.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A private Postfix instance playing the ESP (the upstream sender): its own
 * config_directory, queue_directory and data_directory in a temp directory,
 * smtpd listening on a free port of 127.0.0.1 (open to 127.0.0.0/8 only), and
 * relayhost {@code [127.0.0.1]:mailwardPort} with SASL over STARTTLS
 * ({@code smtp_tls_security_level = encrypt}, the test CA trusted). Nothing
 * chroots, nothing touches /etc/postfix. Must run as root (Postfix drops to
 * {@code mail_owner} itself). Submit mail to {@link #smtpPort()} with any client.
 */
public final class PostfixEsp implements AutoCloseable {
  private final Path dir;
  private final Path etc;
  private final int smtpPort;
  private boolean running;

  private PostfixEsp(Path dir, int smtpPort) {
    this.dir = dir;
    this.etc = dir.resolve("etc");
    this.smtpPort = smtpPort;
  }

  /** Whether Postfix is installed and we may run it (root). Tests skip otherwise. */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/sbin/postfix")) && Files.isExecutable(Path.of("/usr/sbin/postmap"))
        && "root".equals(System.getProperty("user.name"));
  }

  /**
   * Writes the configuration, builds the SASL map and starts Postfix.
   *
   * @param caPem the CA that issued Mailward's certificate
   */
  public static PostfixEsp start(int mailwardPort, String username, String password, Path caPem) throws IOException, InterruptedException {
    PostfixEsp p = new PostfixEsp(PrivatePostfix.newDirectory("mailward-postfix-esp"), Ports.free("127.0.0.1"));
    try {
      p.configure(mailwardPort, username, password, caPem);
      p.running = true;
      PrivatePostfix.start(p.dir, p.smtpPort);
      return p;
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  public int smtpPort() {
    return smtpPort;
  }

  public Path directory() {
    return dir;
  }

  /** Postfix's own log (maillog_file), for failure messages. */
  public String log() {
    return PrivatePostfix.log(dir, 0);
  }

  /** Output of {@code postqueue -p} for this instance. */
  public String queue() throws IOException, InterruptedException {
    return PrivatePostfix.run("/usr/sbin/postqueue", "-c", etc.toString(), "-p");
  }

  /** Asks Postfix to retry its deferred mail now. */
  public void flush() throws IOException, InterruptedException {
    PrivatePostfix.run("/usr/sbin/postqueue", "-c", etc.toString(), "-f");
  }

  private void configure(int mailwardPort, String username, String password, Path caPem) throws IOException, InterruptedException {
    Files.copy(caPem, etc.resolve("ca.pem"));
    String relay = "[127.0.0.1]:" + mailwardPort;
    List<String> main = PrivatePostfix.mainCf(dir, "esp.test", "postfix-esp");
    main.addAll(List.of(
        "relayhost = " + relay,
        "smtp_sasl_auth_enable = yes",
        "smtp_sasl_password_maps = hash:" + etc.resolve("sasl_passwd"),
        "smtp_sasl_security_options = noanonymous",
        "smtp_sasl_tls_security_options = noanonymous",
        "smtp_tls_security_level = encrypt",
        "smtp_tls_CAfile = " + etc.resolve("ca.pem"),
        "smtp_tls_loglevel = 1",
        "smtputf8_enable = yes",
        // Postfix's default (10,240,000 bytes) is below Mailward's maxMessageSize (50 MB); a 10 MB
        // attachment is 13.7 MB in base64. The ESP should accept whatever its relayhost would.
        "message_size_limit = 52428800",
        "queue_run_delay = 5s",
        "minimal_backoff_time = 5s",
        "maximal_backoff_time = 10s"));
    Files.write(etc.resolve("main.cf"), main, StandardCharsets.US_ASCII);
    Files.write(etc.resolve("master.cf"), PrivatePostfix.masterCf(smtpPort), StandardCharsets.US_ASCII);
    Path sasl = etc.resolve("sasl_passwd");
    Files.writeString(sasl, relay + " " + username + ":" + password + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(sasl, PosixFilePermissions.fromString("rw-------"));
    // Without -c, postmap would read /etc/postfix/main.cf.
    PrivatePostfix.run("/usr/sbin/postmap", "-c", etc.toString(), "hash:" + sasl);
  }



  /** Stops Postfix (waiting for its master to exit) and deletes the directory. */
  @Override
  public void close() {
    PrivatePostfix.stopAndDelete(dir, running);
    running = false;
  }
}
