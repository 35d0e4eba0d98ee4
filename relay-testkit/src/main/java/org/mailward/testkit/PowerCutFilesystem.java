package org.mailward.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A FUSE mount that loses, on {@link #cutPower()}, every write not yet made durable
 * (test resource {@code powercutfs.py}, in the manner of LazyFS; its header explains
 * the model and why the mount uses the page cache so that what an {@code msync} or
 * {@code FileChannel.force} covers is exactly what survives). The durable state lives
 * in a state directory on the real disk; {@link #mount} over the same state directory
 * recreates the file system as a machine rebooting after the cut would find it.
 *
 * <p>Needs root, {@code /dev/fuse}, Debian's {@code fuse3} and {@code python3-fusepy}
 * ({@link #unavailableBecause()} says what is missing). Does not: cut power to the
 * processes using the mount; kill them after {@link #cutPower()} and before
 * {@link #unmount()}.
 */
public final class PowerCutFilesystem implements AutoCloseable {
  private static final String PYTHON = "/usr/bin/python3";

  private final Process daemon;
  private final Path mountPoint;
  private final OutputStream control;
  private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(16);

  private PowerCutFilesystem(Process daemon, Path mountPoint) {
    this.daemon = daemon;
    this.mountPoint = mountPoint;
    this.control = daemon.getOutputStream();
    Thread reader = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.US_ASCII))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          replies.offer(line.strip());
        }
      } catch (IOException e) {
        // the daemon exited
      }
    }, "powercutfs-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Null when a mount can be made here, else the reason (for a JUnit assumption). */
  public static String unavailableBecause() {
    if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
      return "/dev/fuse is missing or not accessible";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "mounting the power-cut file system needs root";
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import fusepy").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return "Debian's python3-fusepy is not installed (apt-get install -y fuse3 python3-fusepy)";
      }
    } catch (IOException | InterruptedException e) {
      return PYTHON + " does not run: " + e.getMessage();
    }
    return null;
  }

  /**
   * Mounts the file system whose durable state is {@code stateDir} (created empty the
   * first time) at {@code mountPoint}; the daemon's messages go to {@code work/powercutfs.log}.
   */
  public static PowerCutFilesystem mount(Path stateDir, Path mountPoint, Path work) throws IOException {
    Files.createDirectories(stateDir);
    Files.createDirectories(mountPoint);
    Path script = TestResources.extract("powercutfs.py", work);
    Process p = new ProcessBuilder(PYTHON, script.toString(), stateDir.toString(), mountPoint.toString())
        .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("powercutfs.log").toFile())).start();
    PowerCutFilesystem fs = new PowerCutFilesystem(p, mountPoint);
    if (!"mounted".equals(fs.reply(30))) {
      fs.close();
      throw new IOException("powercutfs did not mount " + mountPoint + "; see " + work.resolve("powercutfs.log"));
    }
    return fs;
  }

  public Path mountPoint() {
    return mountPoint;
  }

  /** From now on every operation on the mount fails with EIO and nothing more becomes durable. */
  public void cutPower() throws IOException {
    control.write("cut\n".getBytes(StandardCharsets.US_ASCII));
    control.flush();
    if (!"cut".equals(reply(30))) {
      throw new IOException("powercutfs did not confirm the power cut");
    }
  }

  /** Unmounts (lazily if still busy) and waits for the daemon to exit. */
  public void unmount() throws IOException {
    try {
      run("umount", mountPoint.toString());
      if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
        run("umount", "-l", mountPoint.toString());
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
          daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          run("umount", "-l", mountPoint.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + mountPoint, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (daemon.isAlive()) {
      unmount();
    }
  }

  private String reply(int seconds) throws IOException {
    try {
      String line = replies.poll(seconds, TimeUnit.SECONDS);
      return line == null ? "" : line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for powercutfs", e);
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
