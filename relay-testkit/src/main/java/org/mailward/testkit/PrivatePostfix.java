package org.mailward.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What every private Postfix instance run by tests and the load bench shares:
 * its directory, the main.cf lines that make it private (own queue, loopback only,
 * relay for 127.0.0.0/8, no local delivery, its own log file), the master.cf
 * service table (no chroot anywhere: the instance lives in a temp directory without
 * the files a chroot needs), running Postfix's commands, starting and waiting for
 * the listener, its log, and stopping it. The callers add their own main.cf lines.
 */
public final class PrivatePostfix {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private PrivatePostfix() {}

  /**
   * A new instance directory with {@code etc/} and {@code queue/} in it, traversable by
   * Postfix's daemons (they run as mail_owner).
   */
  public static Path newDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(dir.resolve("etc"));
    Files.createDirectories(dir.resolve("queue"));
    return dir;
  }

  /** main.cf lines every private instance in {@code dir} needs; callers append relay, TLS and SASL settings. */
  public static List<String> mainCf(Path dir, String hostname, String syslogName) {
    return new ArrayList<>(List.of(
        "compatibility_level = 3.6",
        "queue_directory = " + dir.resolve("queue"),
        "data_directory = " + dir.resolve("data"),
        "mail_owner = postfix",
        "setgid_group = postdrop",
        "inet_interfaces = 127.0.0.1",
        "inet_protocols = ipv4",
        "myhostname = " + hostname,
        "mydomain = " + hostname,
        "myorigin = " + hostname,
        "mydestination =",
        "mynetworks = 127.0.0.0/8",
        "smtpd_relay_restrictions = permit_mynetworks, reject",
        "alias_maps =",
        "alias_database =",
        "local_transport = error:local delivery is disabled",
        "maillog_file_prefixes = " + dir,
        "maillog_file = " + dir.resolve("maillog"),
        "syslog_name = " + syslogName,
        "delay_warning_time = 0",
        "biff = no"));
  }

  /** {@code postfix check}, {@code postfix start}, then waits for 127.0.0.1:{@code port}; the error carries the log. */
  public static void start(Path dir, int port) throws IOException, InterruptedException {
    String etc = dir.resolve("etc").toString();
    run("/usr/sbin/postfix", "-c", etc, "check");
    run("/usr/sbin/postfix", "-c", etc, "start");
    awaitListening(port, Duration.ofSeconds(20), () -> log(dir, 0));
  }

  /** The instance's maillog, its last {@code tailChars} characters when that is > 0. */
  public static String log(Path dir, int tailChars) {
    try {
      String s = Files.readString(dir.resolve("maillog"), StandardCharsets.UTF_8);
      return tailChars > 0 && s.length() > tailChars ? s.substring(s.length() - tailChars) : s;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the instance when {@code running} and deletes its directory (best effort: a daemon may still be removing sockets). */
  public static void stopAndDelete(Path dir, boolean running) {
    if (running) {
      stop(dir.resolve("etc"));
    }
    try (var s = Files.walk(dir)) {
      for (Path path : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // the temp directory is harmless
    }
  }

  /** master.cf lines: one smtpd on 127.0.0.1:{@code port}, then Postfix's usual services without chroot. */
  public static List<String> masterCf(int port) {
    List<String> lines = new ArrayList<>();
    lines.add("127.0.0.1:" + port + " inet n - n - - smtpd");
    lines.addAll(List.of(
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
        "postlog   unix-dgram n - n - 1 postlogd"));
    return lines;
  }

  /** Runs a Postfix command (postfix, postmap, postqueue…); its output, or an IOException with it. */
  public static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + Arrays.toString(command));
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(Arrays.toString(command) + " exited " + p.exitValue() + ": " + text);
    }
    return text;
  }

  /** Waits until 127.0.0.1:{@code port} accepts connections; the exception carries {@code log}. */
  public static void awaitListening(int port, Duration timeout, Supplier<String> log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("Postfix did not listen on 127.0.0.1:" + port + "; log:\n" + log.get());
  }

  /** {@code postfix stop}, or {@code abort} when stop fails; best effort. */
  public static void stop(Path configDirectory) {
    try {
      run("/usr/sbin/postfix", "-c", configDirectory.toString(), "stop");
    } catch (IOException | InterruptedException e) {
      try {
        run("/usr/sbin/postfix", "-c", configDirectory.toString(), "abort");
      } catch (IOException | InterruptedException ignored) {
        // best effort
      }
    }
  }
}
