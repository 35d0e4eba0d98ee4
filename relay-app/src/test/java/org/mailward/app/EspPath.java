package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.DkimTestKeys;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.PostfixEsp;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.TestCa;

/**
 * The README's set-up with real peers, for end-to-end tests: a private Postfix
 * acting as the ESP relays (relayhost, SASL over STARTTLS) into an in-process
 * Mailward that DKIM-signs (Ed25519, {@code d=clinic.example s=s2026}) and
 * delivers {@code patients.test} over verified STARTTLS (a test CA, dnsmasq
 * naming {@code mx.patients.test}) to an aiosmtpd receiver on 127.0.0.2.
 * Submits with swaks to the ESP and waits (bounded) for the receiver. It does
 * not assert anything about the message; the tests do. Closes everything.
 */
final class EspPath implements AutoCloseable {
  final Path dir;
  final DkimTestKeys.KeyFiles dkim;
  final Receiver receiver;
  final Relay relay;
  final PostfixEsp esp;
  private final Dnsmasq dns;

  private EspPath(Path dir, DkimTestKeys.KeyFiles dkim, Receiver receiver, Dnsmasq dns, Relay relay, PostfixEsp esp) {
    this.dir = dir;
    this.dkim = dkim;
    this.receiver = receiver;
    this.dns = dns;
    this.relay = relay;
    this.esp = esp;
  }

  /** Starts receiver, dnsmasq, Mailward and the Postfix ESP in {@code dir}; on failure stops what was started. */
  static EspPath start(Path dir) throws Exception {
    TestCa ca = TestCa.create("e2e-ca");
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    TestCa.PemFiles relayTls = ca.issue("relay.test", "127.0.0.1").write(dir.resolve("tls"), "relay");
    DkimTestKeys.KeyFiles dkim = DkimTestKeys.ed25519Key(dir);
    int port = TestRelays.freePort();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      Receiver receiver = Receiver.start(dir, "127.0.0.2", Optional.of(ca.issue("mx.patients.test", "127.0.0.2")), "ok");
      started.add(receiver);
      Dnsmasq dns = Dnsmasq.start(dir, List.of("--host-record=mx.patients.test,127.0.0.2"));
      started.add(dns);
      Path config = TestRelays.write(dir, port, "transactional", TestRelays.dkimSignsAll(dkim.pem()),
          TestRelays.deliveryVia(dns.port(), "patients.test", "mx.patients.test", receiver.port(), caPem), """
          tenantDefaults:
            securityLevel: verify
          """);
      Files.writeString(config, Files.readString(config).replace("inbound:\n", "inbound:\n  tls:\n    certificate: "
          + relayTls.certificate() + "\n    key: " + relayTls.key() + "\n"));
      Map<String, String> env = Map.of("TEST_DKIM_PASSPHRASE", DkimTestKeys.PASSPHRASE);
      Relay relay = Relay.start(new ConfigLoader().load(config, env), config.toString(), env, Clock.systemUTC(),
          new PrintStream(new ByteArrayOutputStream()));
      started.add(relay);
      PostfixEsp esp = PostfixEsp.start(port, TestRelays.USER, TestRelays.PASSWORD, caPem);
      return new EspPath(dir, dkim, receiver, dns, relay, esp);
    } catch (Exception | Error e) {
      java.util.Collections.reverse(started);
      for (AutoCloseable c : started) {
        c.close();
      }
      throw e;
    }
  }

  /** Runs swaks against the ESP with {@code args} after the server option; asserts Postfix queued it. */
  void submit(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + esp.smtpPort(), "--suppress-data"));
    cmd.addAll(List.of(args));
    Process swaks = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(swaks.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = swaks.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      swaks.destroyForcibly();
    }
    assertThat(ended).as("swaks ended").isTrue();
    assertThat(out).contains("<-  250 2.0.0 Ok: queued as");
  }

  /** The received messages once there are {@code count} (bounded by {@code timeout}); the error carries audit and Postfix log. */
  List<String> awaitMessages(int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> m = receiver.messages();
      if (m.size() >= count) {
        return m;
      }
      Thread.sleep(200);
    }
    var audit = relay.storage().audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(), 100).stream()
        .map(r -> r.event().type() + " " + r.event().facts()).toList();
    throw new AssertionError("fewer than " + count + " messages delivered within " + timeout.toSeconds() + " s; audit:\n"
        + String.join("\n", audit) + "\nPostfix queue:\n" + esp.queue() + "\nPostfix log:\n" + esp.log());
  }

  /** A received message without the receiver's own X-Test-* lines, which it writes first. */
  static String asReceived(String delivered) {
    return delivered.substring(delivered.indexOf("\r\n", delivered.indexOf("X-Test-Rcpt:")) + 2);
  }

  @Override
  public void close() throws Exception {
    esp.close();
    relay.close();
    dns.close();
    receiver.close();
  }
}
