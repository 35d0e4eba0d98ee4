package org.mailward.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies testkit resources (helper scripts) out of the jar so external programs can run them. */
public final class TestResources {
  private TestResources() {}

  /** Writes class-path resource {@code name} (e.g. {@code dkimverify.py}) into {@code dir} and returns the file. */
  public static Path extract(String name, Path dir) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = TestResources.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("no test resource " + name);
      }
      Files.createDirectories(dir);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Runs Debian's dkimpy on {@code message} with {@code dnsRecord} as the key record; returns its output ("... pass"). */
  public static String dkimVerify(String message, String dnsRecord, Path workDir) throws IOException, InterruptedException {
    Path script = extract("dkimverify.py", workDir);
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dnsRecord).redirectErrorStream(true).start();
    p.getOutputStream().write(message.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    return out;
  }
}
