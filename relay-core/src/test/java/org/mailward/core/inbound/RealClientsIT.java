package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mailward.api.Envelope;
import org.mailward.core.testing.InboundFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Submissions by real clients on 127.0.0.1: swaks and Debian's Python smtplib. */
class RealClientsIT {
  static InboundFixture fx;
  static Path script;

  @BeforeAll
  static void start() throws Exception {
    fx = new InboundFixture();
    script = fx.dir.resolve("smtplib_client.py");
    try (InputStream in = RealClientsIT.class.getResourceAsStream("/smtplib_client.py")) {
      Files.copy(in, script);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  record Run(int exit, String output) {}

  static Run run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + Arrays.toString(command));
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private List<String> swaks(String... extra) {
    List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(fx.submission.getPort()),
        "--ehlo", "esp.test", "--tls", "--auth", "PLAIN", "--auth-user", "apikey", "--auth-password", InboundFixture.PASSWORD,
        "--from", "news@clinic.test", "--header", "Subject: swaks test", "--timeout", "20"));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  @Test
  void swaks_withStarttlsAndAuth_isQueued() throws Exception {
    int before = fx.spool.committed().size();
    Run r = run(swaks("--to", "patient@example.test").toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("<~  250 2.0.0 Ok: queued as").contains("~> AUTH PLAIN");
    assertThat(fx.spool.committed()).hasSize(before + 1);
  }

  @Test
  void swaks_pipelined_getsEveryReplyInOrder() throws Exception {
    Run r = run(swaks("--pipeline", "--to", "a@example.test,refuse@example.test,b@example.test").toArray(String[]::new));
    String o = r.output();
    assertThat(o).as(o).contains("550 5.7.1 Recipient refused by policy").contains("250 2.0.0 Ok: queued as");
    int sender = o.indexOf("250 2.1.0 Sender ok");
    int first = o.indexOf("250 2.1.5 Recipient ok", sender);
    int refused = o.indexOf("550 5.7.1", first);
    int third = o.indexOf("250 2.1.5 Recipient ok", refused);
    int go = o.indexOf("354 ", third);
    assertThat(List.of(sender, first, refused, third, go)).allMatch(i -> i > 0).isSorted();
  }

  @Test
  void swaks_implicitTls_isQueued() throws Exception {
    List<String> cmd = swaks("--to", "patient@example.test");
    cmd.set(cmd.indexOf("--tls"), "--tls-on-connect");
    cmd.set(cmd.indexOf(String.valueOf(fx.submission.getPort())), String.valueOf(fx.smtps.getPort()));
    Run r = run(cmd.toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("250 2.0.0 Ok: queued as");
  }

  @Test
  void swaks_withoutTls_cannotAuthenticate() throws Exception {
    List<String> cmd = swaks("--to", "patient@example.test");
    cmd.remove("--tls");
    Run r = run(cmd.toArray(String[]::new));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).doesNotContain("queued as");
  }

  @Test
  void pythonSmtplib_sendsAscii8bitmimeAndSmtputf8Messages() throws Exception {
    int before = fx.spool.committed().size();
    Run r = run("/usr/bin/python3", script.toString(), "127.0.0.1", String.valueOf(fx.submission.getPort()), fx.caPem.toString(),
        "apikey", InboundFixture.PASSWORD, "messages");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("features 250 8bitmime auth chunking dsn enhancedstatuscodes pipelining requiretls size smtputf8")
        .contains("login 235").contains("ascii 250").contains("8bitmime 250").contains("smtputf8 250");
    assertThat(fx.spool.committed()).hasSize(before + 3);
    Envelope utf8 = fx.spool.committed().values().stream().filter(e -> e.parameters().smtpUtf8()).findFirst().orElseThrow();
    assertThat(utf8.recipients().get(0).address().domain()).isEqualTo("παράδειγμα.test");
    String received = new String(fx.spool.committedBody(utf8.id()), StandardCharsets.UTF_8);
    assertThat(received).startsWith("Received: from esp.test").contains("with UTF8SMTPSA");
  }

  @Test
  void pythonRawBdat_chunksAreQueued() throws Exception {
    Run r = run("/usr/bin/python3", script.toString(), "127.0.0.1", String.valueOf(fx.submission.getPort()), fx.caPem.toString(),
        "apikey", InboundFixture.PASSWORD, "bdat");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("bdat1 250 2.0.0 33 octets received").contains("bdat2 250 2.0.0 Ok: queued as");
  }

  @Test
  void swaks_aHeaderLineOf2000Characters_orABodyLineOf1500_isRefusedAtEndOfData_with_550_5_6_0() throws Exception {
    int before = fx.spool.committed().size();
    Run header = run(swaks("--to", "patient@example.test", "--header", "X-Campaign: " + "h".repeat(1988)).toArray(String[]::new));
    assertThat(header.output()).as(header.output()).contains("<~* 550 5.6.0 Message has a line longer than 998 octets");
    Run body = run(swaks("--to", "patient@example.test", "--body", "b".repeat(1500)).toArray(String[]::new));
    assertThat(body.output()).as(body.output()).contains("<~* 550 5.6.0 Message has a line longer than 998 octets");
    assertThat(fx.spool.committed()).hasSize(before);
  }

  @Test
  void pythonSmtplib_aLineOf998Octets_isQueued_butOneOf1500_isRefused() throws Exception {
    Run r = run("/usr/bin/python3", script.toString(), "127.0.0.1", String.valueOf(fx.submission.getPort()), fx.caPem.toString(),
        "apikey", InboundFixture.PASSWORD, "lines");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("line998 250 sent").contains("line1500 550 5.6.0 Message has a line longer than 998 octets");
  }
}
