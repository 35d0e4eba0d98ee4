package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.BodySource;
import org.mailward.api.MessageId;
import org.mailward.api.Spool;
import org.mailward.app.config.ConfigLoader;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolStorage;

/**
 * The relay JVM is killed with SIGKILL at random moments while a real SMTP
 * client (Python smtplib over STARTTLS + AUTH, 8 connections) is sending. After
 * the last restart every message that got a 250 must be in the spool, intact
 * (it decrypts and carries its token), and due exactly once.
 */
class CrashRecoveryIT {
  @TempDir Path dir;

  /** Waits (at most 90 s) until the client has recorded {@code more} further acknowledgements. */
  private void awaitMoreAcks(Path acked, int more, RelayProcess relay) throws Exception {
    long start = Files.exists(acked) ? Files.readAllLines(acked).size() : 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(acked) && Files.readAllLines(acked).size() >= start + more) {
        return;
      }
      Thread.sleep(100);
    }
    Path clientLog = dir.resolve("client.log");
    String client = Files.exists(clientLog) ? Files.readString(clientLog) : "";
    throw new AssertionError("the client got no further acknowledgements from the relay within 90 s\n--- relay ---\n"
        + tail(relay.output()) + "\n--- client ---\n" + tail(client));
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }

  @Test
  void relayKilledWithSigkill_losesNoAcknowledgedMessage() throws Exception {
    int port = TestRelays.freePort();
    Path config = TestRelays.write(dir, port, "");
    Path acked = dir.resolve("acked.txt");
    Path script = Path.of(CrashRecoveryIT.class.getResource("/blast.py").toURI());
    long seed = Long.getLong("mailward.crash.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);

    RelayProcess relay = RelayProcess.start(config);
    Process client = new ProcessBuilder("/usr/bin/python3", script.toString(), "--port", String.valueOf(port),
        "--user", TestRelays.USER, "--password", TestRelays.PASSWORD, "--sender", TestRelays.SENDER,
        "--rcpt", "patient@example.org", "--threads", "8", "--count", "1000000", "--seconds", "600",
        "--size", "3000", "--out", acked.toString(), "--stop-file", dir.resolve("stop").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("client.log").toFile()).start();
    try {
      for (int round = 0; round < 5; round++) {
        // Let the client get going against this incarnation, then kill it at a random moment.
        awaitMoreAcks(acked, 20, relay);
        Thread.sleep(random.nextInt(1500));
        relay.kill9();
        relay = RelayProcess.start(config);
      }
      awaitMoreAcks(acked, 20, relay);
      Files.createFile(dir.resolve("stop"));
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();
    } finally {
      client.destroyForcibly();
      relay.stop();
    }

    List<String> lines = Files.readAllLines(acked);
    System.out.printf("crash recovery: %d messages acknowledged across 5 SIGKILLs (seed %d)%n", lines.size(), seed);
    assertThat(lines).as("messages acknowledged across 5 crashes").hasSizeGreaterThanOrEqualTo(120);

    var cfg = new ConfigLoader().load(config, Map.of());
    try (SpoolStorage storage = RocksChronicleSpool.open(new ModuleConfigs(cfg, config.toString(), Map.of()).spool(),
        Clock.systemUTC())) {
      Spool spool = storage.spool();
      Map<MessageId, Integer> due = new HashMap<>();
      for (Spool.DueRecipient r : spool.claimDue(Instant.now().plusSeconds(86_400), 1_000_000)) {
        due.merge(r.ref().messageId(), 1, Integer::sum);
      }
      Set<String> tokens = new HashSet<>();
      for (String line : lines) {
        String[] parts = line.split(" ");
        MessageId id = MessageId.parse(parts[0]);
        assertThat(tokens.add(parts[1])).as("token acknowledged once: %s", parts[1]).isTrue();
        assertThat(spool.envelope(id)).as("envelope of acknowledged %s", id).isPresent();
        BodySource body = spool.body(id).orElseThrow(() -> new AssertionError("no body for acknowledged " + id));
        String text;
        try (InputStream in = body.open()) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).as("body of %s", id).contains(parts[1]).startsWith("Received: ");
        assertThat(due.get(id)).as("recipients due for %s", id).isEqualTo(1);
      }
    }
  }
}
