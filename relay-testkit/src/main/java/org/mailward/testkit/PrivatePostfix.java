package org.mailward.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What every private Postfix instance run by tests and the load bench shares:
 * the master.cf service table (no chroot anywhere: the instance lives in a temp
 * directory without the files a chroot needs), running Postfix's commands, waiting
 * for the listener, and stopping it. The callers own their main.cf.
 */
public final class PrivatePostfix {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private PrivatePostfix() {}

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
