// A small tmpfs mounted by a test on one of its directories, to make a disk fill
// up for real (root only: tests skip where mounting is not permitted), and a
// filler that takes the rest of its space. Unmounted (lazily) on close.
// Does not: fill the free end of a file's last page (tmpfs allocates whole pages).
package org.mailward.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

public final class SmallTmpfs implements AutoCloseable {
  private final Path mount;

  private SmallTmpfs(Path mount) {
    this.mount = mount;
  }

  /** Mounts a tmpfs of {@code size} (mount's syntax: {@code 256k}, {@code 1m}) on {@code dir}; empty if not permitted. */
  public static Optional<SmallTmpfs> mount(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()) == 0
        ? Optional.of(new SmallTmpfs(dir)) : Optional.empty();
  }

  public Path path() {
    return mount;
  }

  /** Appends {@code blockSize}-byte blocks to {@code file} until the file system refuses; returns the file. */
  public static Path fillWith(Path file, int blockSize) throws IOException {
    byte[] block = new byte[blockSize];
    Arrays.fill(block, (byte) '\n');
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (int i = 0; i < 1 << 20; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      return file; // No space left on device
    }
    throw new AssertionError("a small tmpfs took far more than " + (long) blockSize * (1 << 20) + " bytes");
  }

  /** Fills the file system with one new file {@code filler}; delete it to free the space. */
  public Path fill() throws IOException {
    return fillWith(mount.resolve("filler"), 4096);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", mount.toString());
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
