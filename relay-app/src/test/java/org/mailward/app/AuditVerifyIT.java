package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.SmtpTestClient;
import picocli.CommandLine;

/**
 * {@code mailward audit-verify} on a relay's real journal: intact after a message
 * is accepted (it prints a checkpoint), exit 1 once a byte of a record is changed
 * on disk, and exit 1 when a checkpoint an auditor noted no longer matches.
 */
class AuditVerifyIT {
  @TempDir Path dir;

  @Test
  void auditVerify_passesAnIntactJournal_andFailsAnEditedOne_andAStaleCheckpoint() throws Exception {
    int port = TestRelays.freePort();
    Path config = TestRelays.write(dir, port, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()))) {
      try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
        assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
        assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
        assertThat(c.command("RCPT TO:<pat@patients.test>").code()).isEqualTo(250);
        assertThat(c.command("DATA").code()).isEqualTo(354);
        assertThat(c.command("Subject: hello\r\n\r\nhi\r\n.").code()).isEqualTo(250);
      }
      assertThat(Audits.awaitType(relay, "message.accepted")).isNotEmpty();
    }
    Result intact = verify("--config", config.toString());
    assertThat(intact.exit).as(intact.out).isZero();
    Matcher m = Pattern.compile("checkpoint (\\d+):([0-9a-f]{64})").matcher(intact.out);
    assertThat(m.find()).as(intact.out).isTrue();
    String checkpoint = m.group(1) + ":" + m.group(2);
    assertThat(verify("--config", config.toString(), "--expect", checkpoint).exit).isZero();
    assertThat(dir.resolve("data/keys/audit.key")).exists();

    String stale = m.group(1) + ":" + "00".repeat(32);
    Result mismatch = verify("--config", config.toString(), "--expect", stale);
    assertThat(mismatch.exit).as(mismatch.out).isEqualTo(1);
    assertThat(mismatch.out).contains("NOT FOUND");

    byte[] tenant = "clinic".getBytes(StandardCharsets.US_ASCII);
    boolean edited = false;
    try (Stream<Path> files = Files.list(dir.resolve("data/spool/audit"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
        byte[] data = Files.readAllBytes(f);
        for (int i = 0; i + tenant.length <= data.length && !edited; i++) {
          if (java.util.Arrays.equals(data, i, i + tenant.length, tenant, 0, tenant.length)) {
            data[i + tenant.length - 1] = 'x';
            Files.write(f, data);
            edited = true;
          }
        }
      }
    }
    assertThat(edited).isTrue();
    Result broken = verify("--config", config.toString());
    assertThat(broken.exit).as(broken.out).isEqualTo(1);
    assertThat(broken.out).contains("BROKEN at record");
  }

  private record Result(int exit, String out) {}

  private static Result verify(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "audit-verify";
      System.arraycopy(args, 0, all, 1, args.length);
      int exit = new CommandLine(new Main()).execute(all);
      return new Result(exit, bytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }
}
