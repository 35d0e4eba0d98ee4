package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * A queue of deferred mail survives a SIGKILL: the receiver answers 451 to every
 * DATA until the test releases it, the relay is killed once every message has had
 * its 451, and after a restart (and the release) every message is delivered —
 * none lost, and none twice. No step waits for a time: the receiver accepts
 * nothing before the kill, so no delivery can be in flight when the relay dies,
 * however slow the machine (the earlier version slept 2.5 s and relied on the
 * 4 s retry not having started, which a loaded machine broke).
 */
class RestartMidQueueIT {
  private static final int MESSAGES = 30;
  @TempDir Path dir;

  @Test
  void deferredQueue_isDeliveredAfterKill9AndRestart_withoutLossOrDuplicates() throws Exception {
    TestCa ca = TestCa.create("restart-ca");
    int port = TestRelays.freePort();
    try (Receiver receiver = Receiver.start(dir, "127.0.0.3", Optional.of(ca.issue("127.0.0.3")), "tempfail-until-released")) {
      Path config = TestRelays.write(dir, port, "transactional", "", """
          delivery:
            routes:
              patients.test: "[127.0.0.3]:%d"
            retry:
              initialBackoff: 2s
              maxBackoff: 4s
              jitter: 0.0
            limits:
              pollInterval: 50ms
            dane:
              enabled: false
            mtaSts:
              enabled: false
          """.formatted(receiver.port()), "");
      RelayProcess relay = RelayProcess.start(config);
      try {
        try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
          assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
          for (int i = 0; i < MESSAGES; i++) {
            assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
            assertThat(c.command("RCPT TO:<pat" + i + "@patients.test>").code()).isEqualTo(250);
            assertThat(c.command("DATA").code()).isEqualTo(354);
            assertThat(c.command("Subject: reminder\r\n\r\ntoken-" + i + "-end\r\n.").code()).isEqualTo(250);
          }
          c.command("QUIT");
        }
        // every message has been tried and refused with 451: the whole queue is deferred (or in flight to a 451)
        long attempted = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (tempfailed(receiver) < MESSAGES && System.nanoTime() < attempted) {
          Thread.sleep(100);
        }
        assertThat(tempfailed(receiver)).as("messages refused with 451 before the kill").isEqualTo(MESSAGES);
        assertThat(receiver.messages()).as("nothing accepted before the kill").isEmpty();
        relay.kill9();
        relay = RelayProcess.start(config);
        receiver.release();

        Map<String, Integer> seen = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Pattern token = Pattern.compile("token-(\\d+)-end");
        while (System.nanoTime() < deadline) {
          seen.clear();
          for (String m : receiver.messages()) {
            Matcher t = token.matcher(m);
            if (t.find()) {
              seen.merge(t.group(1), 1, Integer::sum);
            }
          }
          if (seen.size() == MESSAGES) {
            break;
          }
          Thread.sleep(200);
        }
        assertThat(seen).as("messages delivered after the restart").hasSize(MESSAGES);
        assertThat(seen.values()).as("deliveries per message").containsOnly(1);
        assertThat(receiver.messages()).allSatisfy(m -> assertThat(m).contains("X-Test-TLS: yes"));
      } finally {
        relay.stop();
      }
    }
  }

  /** How many of the messages' recipients have had at least one 451. */
  private static long tempfailed(Receiver receiver) throws java.io.IOException {
    return receiver.tempfailedRecipients().stream().filter(r -> r.matches("pat\\d+@patients\\.test")).distinct().count();
  }
}
