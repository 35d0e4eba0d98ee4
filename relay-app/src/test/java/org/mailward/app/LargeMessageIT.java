package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.BodySource;
import org.mailward.api.MessageId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolStorage;
import org.mailward.testkit.SmtpTestClient;

/**
 * A 48 MB message goes through a relay whose heap is capped at 96 MB: it can
 * only be accepted if the body streams (inbound, policy inspection and spool)
 * instead of being held whole. The spooled body decrypts to exactly the bytes
 * sent (after dot-unstuffing), behind the relay's own Received header.
 */
class LargeMessageIT {
  private static final int LINES = 48 * 1024 * 1024 / 64;
  @TempDir Path dir;

  @Test
  void aMessageHalfTheHeapSize_streamsThroughARelayCappedAt96MB() throws Exception {
    int port = TestRelays.freePort();
    Path config = TestRelays.write(dir, port, "");
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    String id;
    RelayProcess relay = RelayProcess.start(config, "96m");
    try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<news@clinic.example> SIZE=" + (LINES * 64L + 100)).code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<pat@patients.example>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String header = "Subject: a large newsletter\r\n\r\n";
      c.write(header);
      sent.update(header.getBytes(StandardCharsets.US_ASCII));
      StringBuilder chunk = new StringBuilder(64 * 1024);
      for (int i = 0; i < LINES; i++) {
        // 62 characters + CRLF = 64 bytes per line; every 100th line starts with a (stuffed) dot
        String text = String.format("%s%061d", i % 100 == 0 ? "." : "x", i);
        chunk.append(i % 100 == 0 ? "." : "").append(text).append("\r\n");
        sent.update((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (chunk.length() > 60 * 1024) {
          c.write(chunk.toString());
          chunk.setLength(0);
        }
      }
      c.write(chunk.toString());
      var queued = c.command(".");
      assertThat(queued.code()).as(queued.text()).isEqualTo(250);
      id = queued.last().substring(queued.last().lastIndexOf(' ') + 1);
      c.command("QUIT");
    } finally {
      relay.stop();
    }

    var cfg = new ConfigLoader().load(config, Map.of());
    try (SpoolStorage storage = RocksChronicleSpool.open(new ModuleConfigs(cfg, config.toString(), Map.of()).spool(),
        Clock.systemUTC())) {
      BodySource body = storage.spool().body(MessageId.parse(id)).orElseThrow();
      MessageDigest stored = MessageDigest.getInstance("SHA-256");
      try (InputStream in = body.open()) {
        byte[] buf = new byte[64 * 1024];
        // skip the relay's Received header (up to and including its last line) to compare what the client sent
        String start = new String(in.readNBytes(4096), StandardCharsets.US_ASCII);
        int subject = start.indexOf("Subject: a large newsletter");
        assertThat(subject).as("client header follows the Received header").isPositive();
        assertThat(start.substring(0, subject)).startsWith("Received: ");
        stored.update(start.substring(subject).getBytes(StandardCharsets.US_ASCII));
        int n;
        while ((n = in.read(buf)) > 0) {
          stored.update(buf, 0, n);
        }
      }
      assertThat(HexFormat.of().formatHex(stored.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
      assertThat(body.size()).isGreaterThan(LINES * 64L);
    }
  }
}
