// A JUnit 5 extension for tests that fill a disk for real: it mounts a small tmpfs
// (SmallTmpfs) where the test asks, skips the test where mounting is not permitted
// (root only; CI runs as root), and unmounts every mount after the test — after the
// test's own @AfterEach methods, so what the test opened there is closed first.
// Does not: fill the mount (SmallTmpfs.fill does), or clean up its files.
package org.mailward.testkit;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Use as {@code @RegisterExtension final TmpfsMounts tmpfs = new TmpfsMounts();}. */
public final class TmpfsMounts implements AfterEachCallback {
  private final Deque<SmallTmpfs> mounted = new ArrayDeque<>();

  /** Mounts a tmpfs of {@code size} (mount's syntax: {@code 256k}, {@code 1m}) on {@code dir}, or skips the test. */
  public SmallTmpfs mount(Path dir, String size) throws Exception {
    SmallTmpfs tmpfs = SmallTmpfs.mount(dir, size).orElse(null);
    Assumptions.assumeTrue(tmpfs != null, "mounting a tmpfs needs root (.ci/run runs as root)");
    mounted.push(tmpfs);
    return tmpfs;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    while (!mounted.isEmpty()) {
      mounted.pop().close();
    }
  }
}
