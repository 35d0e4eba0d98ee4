package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.SmallTmpfs;
import org.mailward.testkit.TmpfsMounts;

/**
 * The audit journal's disk fills up — a 256 KiB tmpfs mounted by the test (root only;
 * skipped where mounting is not permitted) — and the server stops taking mail with
 * {@code 451 4.3.0} until the journal records again, then takes mail as before and the
 * journal itself records the gap ({@code audit.resumed}). HIPAA §164.312(b): no unaudited
 * processing.
 */
class AuditFailureIT {
  @TempDir Path dir;
  @RegisterExtension final TmpfsMounts mounts = new TmpfsMounts();
  SmallTmpfs tmpfs;
  Path mount;
  InboundFixture fx;
  MemoryAuditJournal journal;

  @AfterEach
  void cleanUp() throws Exception {
    if (fx != null) {
      fx.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  /**
   * Fills the file system with one file until it refuses, then the free end of the journal's last
   * page too (tmpfs allocates whole pages: a short line would still fit there); returns the filler.
   */
  private Path fill() throws IOException {
    Path filler = tmpfs.fill();
    SmallTmpfs.fillWith(mount.resolve("audit.log"), 1);
    return filler;
  }

  private static SmtpTestClient.Reply message(SmtpTestClient c) throws IOException {
    return c.sendMessage("news@clinic.test", List.of("patient@example.test"), "Subject: reminder\r\n\r\nhello\r\n");
  }

  @Test
  void anAuditDiskThatFills_turnsAcceptanceInto_451_4_3_0_andBackOnceItHasRoom() throws Exception {
    tmpfs = mounts.mount(dir.resolve("audit"), "256k");
    mount = tmpfs.path();
    journal = MemoryAuditJournal.writingTo(mount.resolve("audit.log"));
    fx = new InboundFixture(journal);
    int refusedAfterRoom = 0;
    try (SmtpTestClient esp = fx.authenticated("apikey")) {
      assertThat(message(esp).text()).startsWith("250 2.0.0 Ok: queued as");
      esp.send("MAIL FROM:<news@clinic.test>").expect(250);
      esp.send("RCPT TO:<patient@example.test>").expect(250);

      Path filler = fill();
      try (SmtpTestClient stranger = fx.connect()) { // a failed login is audited: that append fails
        stranger.send("EHLO esp.test").expect(250);
        stranger.send("STARTTLS").expect(220);
        stranger.upgrade();
        stranger.send("EHLO esp.test").expect(250);
        stranger.send("AUTH PLAIN " + SmtpTestClient.plain("apikey", "wrong")).expect(535);
      }
      // The transaction begun before the failure is refused at end of data, and new ones at MAIL.
      esp.send("DATA").expect(354);
      esp.write("Subject: reminder\r\n\r\nhello\r\n.\r\n");
      assertThat(esp.read().text()).startsWith("451 4.3.0 Audit journal unavailable");
      assertThat(esp.send("MAIL FROM:<news@clinic.test>").read().text()).startsWith("451 4.3.0 Audit journal unavailable");
      int committed = fx.spool.committed().size();
      assertThat(committed).isEqualTo(1);

      Files.delete(filler);
      SmtpTestClient.Reply r = esp.send("MAIL FROM:<news@clinic.test>").read();
      for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); r.code() != 250 && System.nanoTime() < deadline; ) {
        refusedAfterRoom++;
        Thread.sleep(200);
        r = esp.send("MAIL FROM:<news@clinic.test>").read();
      }
      assertThat(r.code()).as("accepting again once the journal has room (%d refusals first)", refusedAfterRoom).isEqualTo(250);
      esp.send("RSET").expect(250);
      assertThat(message(esp).text()).startsWith("250 2.0.0 Ok: queued as");
    }
    assertThat(fx.spool.committed()).hasSize(2);
    List<String> lines = Files.readAllLines(mount.resolve("audit.log"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains(" audit.resumed ").contains("lost=1"));
    assertThat(lines.get(lines.size() - 1)).contains(" message.accepted ");
    assertThat(fx.server.metrics().snapshot()).containsEntry("mailward_audit_append_failures_total", 1L)
        .containsEntry("mailward_inbound_audit_refusals_total", 2L + refusedAfterRoom);
  }
}
