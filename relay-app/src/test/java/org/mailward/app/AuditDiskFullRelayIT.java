package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditRecord;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.SmallTmpfs;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TmpfsMounts;

/**
 * The whole relay on its real spool, whose {@code dataDir/spool/audit/} directory is a 1 MiB tmpfs mounted by the
 * test (root only; skipped where mounting is not permitted). An ESP keeps sending; once the audit
 * disk is full the relay stops answering {@code 250} — with {@code 452 4.3.1} (the failed group
 * commit fails the spool too) or {@code 451 4.3.0} (the audit journal is not recording) — and takes
 * mail again once there is room, with the gap recorded as {@code audit.resumed} and the lost events
 * counted. HIPAA §164.312(b): no unaudited processing.
 */
class AuditDiskFullRelayIT {
  @TempDir Path dir;
  @RegisterExtension final TmpfsMounts mounts = new TmpfsMounts();
  SmallTmpfs tmpfs;

  /** One message; the first refusal (at MAIL, RCPT, DATA or the end of data) is the reply, after a RSET. */
  private static SmtpTestClient.Reply send(SmtpTestClient c, int n) throws IOException {
    for (String line : List.of("MAIL FROM:<" + TestRelays.SENDER + ">", "RCPT TO:<patient" + n + "@patients.test>", "DATA")) {
      SmtpTestClient.Reply r = c.command(line);
      if (r.code() >= 400) {
        c.command("RSET");
        return r;
      }
    }
    c.write("From: " + TestRelays.SENDER + "\r\nSubject: reminder\r\n\r\nSee you on Monday.\r\n.\r\n");
    return c.read();
  }

  @Test
  void anAuditDiskThatFills_stopsTheRelayTakingMail_untilThereIsRoom_andTheGapIsOnRecord() throws Exception {
    tmpfs = mounts.mount(dir.resolve("data").resolve("spool").resolve("audit"), "1m");
    int port = TestRelays.freePort();
    Path config = TestRelays.write(dir, port, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream()))) {
      InetSocketAddress smtp = relay.listeners().get("submission");
      try (SmtpTestClient c = SmtpTestClient.connect(smtp)) {
        assertThat(c.startTlsAndLogin("esp.clinic.example", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
        assertThat(send(c, 0).text()).startsWith("250 2.0.0 Ok: queued as");

        Path filler = tmpfs.fill();
        int accepted = 1;
        SmtpTestClient.Reply r = send(c, accepted);
        for (; r.code() == 250 && accepted < 5_000; r = send(c, accepted)) {
          accepted++;
        }
        assertThat(r.code()).as("after %d messages accepted on a full audit disk", accepted).isIn(451, 452);
        List<String> refusals = new ArrayList<>();
        refusals.add(r.text());
        for (int i = 0; i < 5; i++) {
          SmtpTestClient.Reply again = c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
          assertThat(again.code()).as("MAIL while the audit disk is full").isIn(451, 452);
          refusals.add(again.text());
          Thread.sleep(300);
        }
        assertThat(refusals).allSatisfy(t -> assertThat(t).matches(
            "(452 4\\.3\\.1 Insufficient system storage|451 4\\.3\\.0 Audit journal unavailable).*"));
        assertThat(relay.storage().audit().health().recording()).isFalse();
        assertThat(relay.storage().auditEventsLost()).isPositive();

        Files.delete(filler);
        SmtpTestClient.Reply back = c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            back.code() != 250 && System.nanoTime() < deadline; ) {
          Thread.sleep(200);
          back = c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
        }
        assertThat(back.code()).as("MAIL once the audit disk has room").isEqualTo(250);
        assertThat(c.command("RSET").code()).isEqualTo(250);
        assertThat(send(c, 99_999).text()).startsWith("250 2.0.0 Ok: queued as");
      }
      List<AuditRecord> audit = Audits.awaitType(relay, "audit.resumed");
      assertThat(audit).filteredOn(x -> x.event().type().equals("audit.resumed")).singleElement()
          .satisfies(x -> assertThat(Long.parseLong(x.event().facts().get("lost"))).isPositive());
      assertThat(relay.storage().audit().verifyChain()).isEmpty();
      assertThat(relay.storage().audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(), 100_000))
          .last().satisfies(x -> assertThat(x.event().type()).isEqualTo("message.accepted"));
    }
  }
}
