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
 * A queue of deferred mail survives a SIGKILL: the receiver answers 451 to the
 * first attempts, the relay is killed while everything waits for its retry, and
 * after a restart every message is delivered — none lost, and none twice (no
 * delivery was in flight when the relay died).
 */
class RestartMidQueueIT {
  private static final int MESSAGES = 30;
  @TempDir Path dir;

  @Test
  void deferredQueue_isDeliveredAfterKill9AndRestart_withoutLossOrDuplicates() throws Exception {
    TestCa ca = TestCa.create("restart-ca");
    int port = TestRelays.freePort();
    try (Receiver receiver = Receiver.start(dir, "127.0.0.3", Optional.of(ca.issue("127.0.0.3")), "tempfail-data:" + MESSAGES)) {
      Path config = TestRelays.write(dir, port, "transactional", "", """
          delivery:
            routes:
              patients.test: "[127.0.0.3]:%d"
            retry:
              initialBackoff: 4s
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
        Thread.sleep(2500); // first attempts are answered 451; retries wait 4 s
        relay.kill9();
        relay = RelayProcess.start(config);

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
}
