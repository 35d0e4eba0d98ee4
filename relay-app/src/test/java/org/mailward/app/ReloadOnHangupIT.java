package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.core.auth.PasswordHasher;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * {@code systemctl reload} on a running relay (a child JVM sent SIGHUP, the periodic
 * certificate check switched off): a new certificate is served on the next
 * connection, a tenant's changed password is the only one accepted and a tenant
 * added to the file can log in — without a restart. A file that does not validate
 * changes nothing and the log names the key.
 */
class ReloadOnHangupIT {
  static final String NEW_PASSWORD = "a-new-password-for-the-clinic";
  @TempDir Path dir;

  @Test
  void sighup_reloadsTheCertificateAndTenants_andABadFileChangesNothing() throws Exception {
    TestCa ca = TestCa.create("reload-ca");
    TestCa.PemFiles first = ca.issue("first.relay.test").write(dir.resolve("tls-first"), "relay");
    TestCa.PemFiles second = ca.issue("second.relay.test").write(dir.resolve("tls-second"), "relay");
    Path cert = dir.resolve("relay.crt");
    Path key = dir.resolve("relay.key");
    Files.copy(first.certificate(), cert);
    Files.copy(first.key(), key);
    int port = TestRelays.freePort();
    Path config = TestRelays.write(dir, port, "");
    String original = Files.readString(config).replace("inbound:\n", "inbound:\n  tls:\n    certificate: " + cert
        + "\n    key: " + key + "\n    reloadCheckInterval: 0s\n");
    Files.writeString(config, original);
    try (RelayProcess relay = RelayProcess.start(config)) {
      assertThat(servedCertificate(port)).contains("first.relay.test");
      assertThat(login(port, TestRelays.USER, TestRelays.PASSWORD)).isEqualTo(235);

      replace(second.certificate(), cert);
      replace(second.key(), key);
      String oldHash = original.substring(original.indexOf("passwordHash: \"") + 15);
      oldHash = oldHash.substring(0, oldHash.indexOf('"'));
      String newHash = new PasswordHasher(8 * 1024, 1, 1).hash(NEW_PASSWORD.toCharArray());
      String reloaded = original.replace(oldHash, newHash) + """
            - id: lab
              username: apikey-lab
              passwordHash: "%s"
              senderDomains: [lab.example]
          """.formatted(newHash);
      Files.writeString(config, reloaded);
      relay.hangup();
      await(() -> relay.output().contains("reload: TLS certificate reloaded"), relay);

      assertThat(servedCertificate(port)).contains("second.relay.test");
      assertThat(login(port, TestRelays.USER, TestRelays.PASSWORD)).isEqualTo(535);
      assertThat(login(port, TestRelays.USER, NEW_PASSWORD)).isEqualTo(235);
      assertThat(login(port, "apikey-lab", NEW_PASSWORD)).isEqualTo(235);

      Files.writeString(config, reloaded.replace("failureDelay: 0s", "failureDelay: 0s\n  maxRecipients: -1"));
      relay.hangup();
      await(() -> relay.output().contains("reload refused"), relay);
      assertThat(relay.output()).contains("inbound.maxRecipients");
      assertThat(login(port, "apikey-lab", NEW_PASSWORD)).as("the running configuration stays").isEqualTo(235);
    }
  }

  private static void replace(Path from, Path to) throws IOException {
    Path tmp = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static int login(int port, String user, String password) throws IOException {
    try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      int code = c.startTlsAndLogin("esp.test", user, password).code();
      c.command("QUIT");
      return code;
    }
  }

  /** The subject of the certificate the relay presents after STARTTLS, as openssl s_client prints it. */
  private static String servedCertificate(int port) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-starttls", "smtp")
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    int at = out.indexOf("subject=");
    assertThat(at).as(out).isNotNegative();
    return out.substring(at, out.indexOf('\n', at));
  }

  private static void await(BooleanSupplier done, RelayProcess relay) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not seen within 30 s; relay output:\n" + relay.output());
      }
      Thread.sleep(100);
    }
  }
}
