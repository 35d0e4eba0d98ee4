package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.mailward.api.MessageId;
import org.mailward.api.SpoolHealth;
import org.mailward.api.TenantLimits;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.SmtpTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Limits, pipelining, BDAT, large messages and failures of the spool or policy, with a raw client. */
class InboundLimitsIT {
  static InboundFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new InboundFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  @Test
  void declaredSizeOverTheTenantLimit_isRefusedAtMail_with_552_5_3_4() throws Exception {
    try (SmtpTestClient c = fx.authenticated("limited")) {
      assertThat(c.send("EHLO esp.test").expect(250).text()).contains("SIZE 65536");
      assertThat(c.send("MAIL FROM:<a@limited.test> SIZE=70000").expect(552).text()).startsWith("552 5.3.4");
    }
  }

  @Test
  void bodyOverTheLimit_isReadToTheEnd_thenRefusedWith_552_5_3_4() throws Exception {
    int before = fx.spool.committed().size();
    try (SmtpTestClient c = fx.authenticated("limited")) {
      c.send("MAIL FROM:<a@limited.test>").expect(250);
      c.send("RCPT TO:<b@example.test>").expect(250);
      c.send("DATA").expect(354);
      String line = "x".repeat(998) + "\r\n";
      c.write("Subject: big\r\n\r\n" + line.repeat(100) + ".\r\n");
      assertThat(c.read().text()).startsWith("552 5.3.4");
      c.send("NOOP").expect(250);
    }
    assertThat(fx.spool.committed()).hasSize(before);
  }

  @Test
  void aHeaderLineOrBodyLineOver998Octets_isReadToTheEnd_thenRefusedWith_550_5_6_0() throws Exception {
    int before = fx.spool.committed().size();
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      for (String message : List.of("X-Campaign: " + "h".repeat(1988) + "\r\nSubject: long header\r\n\r\nbody\r\n",
          "Subject: long body\r\n\r\n" + "b".repeat(1500) + "\r\nmore\r\n")) {
        c.send("MAIL FROM:<a@clinic.test>").expect(250);
        c.send("RCPT TO:<b@example.test>").expect(250);
        c.send("DATA").expect(354);
        c.write(message + ".\r\n");
        assertThat(c.read().text()).startsWith("550 5.6.0 Message has a line longer than 998 octets (RFC 5322 2.1.1)");
        c.send("NOOP").expect(250);
      }
    }
    assertThat(fx.spool.committed()).hasSize(before);
  }

  @Test
  void aLineOfExactly998Octets_isAccepted() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<a@clinic.test>").expect(250);
      c.send("RCPT TO:<b@example.test>").expect(250);
      c.send("DATA").expect(354);
      c.write("X-Campaign: " + "h".repeat(986) + "\r\nSubject: edge\r\n\r\n" + "b".repeat(998) + "\r\n.\r\n");
      assertThat(c.read().text()).startsWith("250 2.0.0 Ok: queued as");
    }
  }

  @Test
  void aBdatChunkWithALineOver998Octets_isRefusedWith_550_5_6_0_andEndsTheTransaction() throws Exception {
    int before = fx.spool.committed().size();
    byte[] part1 = ("Subject: chunked\r\n\r\n" + "b".repeat(600)).getBytes(StandardCharsets.US_ASCII);
    byte[] part2 = ("b".repeat(600) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<a@clinic.test>").expect(250);
      c.send("RCPT TO:<b@example.test>").expect(250);
      c.write(("BDAT " + part1.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      c.write(part1);
      c.expect(250);
      c.write(("BDAT " + part2.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
      c.write(part2);
      assertThat(c.read().text()).startsWith("550 5.6.0");
      assertThat(c.send("BDAT 0 LAST").read().text()).startsWith("503 5.5.1");
    }
    assertThat(fx.spool.committed()).hasSize(before);
  }

  @Test
  void recipientsOverTheLimit_areRefusedWith_452_4_5_3() throws Exception {
    try (SmtpTestClient c = fx.authenticated("limited")) {
      c.send("MAIL FROM:<a@limited.test>").expect(250);
      for (int i = 0; i < 3; i++) {
        c.send("RCPT TO:<r" + i + "@example.test>").expect(250);
      }
      assertThat(c.send("RCPT TO:<r9@example.test>").expect(452).text()).startsWith("452 4.5.3");
    }
  }

  @Test
  void overlongCommandLine_isAnsweredWith_500_5_5_6_andTheSessionGoesOn() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      c.send("NOOP " + "a".repeat(10_000)).expect(500).text();
      assertThat(c.send("NOOP").expect(250).text()).isEqualTo("250 2.0.0 Ok");
    }
  }

  @Test
  void tooManyErrors_closeTheSessionWith_421_4_7_0() throws Exception {
    try (SmtpTestClient c = fx.connect()) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        c.send("BOGUS");
        texts.add(c.read().text());
      }
      assertThat(texts).allMatch(t -> t.startsWith("500 5.5.2"));
      assertThat(c.read().text()).startsWith("421 4.7.0");
      assertThat(c.closedByServer(2000)).isTrue();
    }
  }

  @Test
  void pipelinedCommands_areAnsweredInOrder_withPolicyRepliesInPlace() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.write("MAIL FROM:<a@clinic.test>\r\nRCPT TO:<one@example.test>\r\nRCPT TO:<refuse@example.test>\r\n"
          + "RCPT TO:<two@example.test>\r\nNOOP\r\nDATA\r\n");
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        codes.add(c.read().code());
      }
      assertThat(codes).containsExactly(250, 250, 550, 250, 250, 354);
      c.write("Subject: p\r\n\r\nx\r\n.\r\nQUIT\r\n");
      assertThat(c.read().text()).startsWith("250 2.0.0 Ok: queued as");
      c.expect(221);
    }
  }

  @Test
  void bdatChunks_inOnePacket_areQueuedByteExact() throws Exception {
    byte[] part1 = "Subject: chunked\r\n\r\nbinary\u0000".getBytes(StandardCharsets.ISO_8859_1);
    byte[] part2 = "\n.\r\nend".getBytes(StandardCharsets.ISO_8859_1);
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<a@clinic.test> BODY=8BITMIME").expect(250);
      c.send("RCPT TO:<b@example.test>").expect(250);
      java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
      o.writeBytes(("BDAT " + part1.length + "\r\n").getBytes());
      o.writeBytes(part1);
      o.writeBytes(("BDAT " + part2.length + " LAST\r\n").getBytes());
      o.writeBytes(part2);
      c.write(o.toByteArray());
      assertThat(c.expect(250).text()).isEqualTo("250 2.0.0 " + part1.length + " octets received");
      String queued = c.expect(250).text().strip();
      MessageId id = MessageId.parse(queued.substring(queued.lastIndexOf(' ') + 1));
      String body = new String(fx.spool.committedBody(id), StandardCharsets.ISO_8859_1);
      assertThat(body).startsWith("Received: ").endsWith(new String(part1, StandardCharsets.ISO_8859_1) + new String(part2, StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void aSessionSentOneByteAtATime_isDecodedLikeOneSentAtOnce() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      byte[] all = ("MAIL FROM:<a@clinic.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII);
      for (byte b : all) {
        c.write(new byte[] {b});
      }
      c.expect(250);
      c.expect(250);
      c.expect(354);
      for (byte b : "Subject: s\r\n\r\n..dot\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)) {
        c.write(new byte[] {b});
      }
      String queued = c.expect(250).text().strip();
      MessageId id = MessageId.parse(queued.substring(queued.lastIndexOf(' ') + 1));
      assertThat(new String(fx.spool.committedBody(id), StandardCharsets.US_ASCII)).endsWith("\r\nSubject: s\r\n\r\n.dot\r\n");
    }
  }

  @Test
  void bdatWithoutMail_consumesTheChunk_soItsBytesAreNeverCommands() throws Exception {
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.write("BDAT 12\r\nNOOP\r\nNOOP\r\nQUIT\r\n");
      assertThat(c.read().text()).startsWith("503 5.5.1");
      assertThat(c.read().text()).startsWith("221 2.0.0");
    }
  }

  @Test
  void severalMegabyteMessage_streamsThrough_andArrivesIntact() throws Exception {
    StringBuilder body = new StringBuilder("Subject: large\r\n\r\n");
    java.util.Random r = new java.util.Random(7);
    while (body.length() < 6 * 1024 * 1024) {
      body.append(Long.toHexString(r.nextLong())).append(" ".repeat(r.nextInt(40))).append(r.nextInt(10) == 0 ? "\r\n." : "").append("\r\n");
    }
    String text = body.toString();
    long inspectedBefore = fx.policy.bytesInspected.get();
    long t0 = System.nanoTime();
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      SmtpTestClient.Reply reply = c.sendMessage("a@clinic.test", List.of("b@example.test"), text);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("6 MB message over STARTTLS: %d ms%n", ms);
      String queued = reply.expect(250).text().strip();
      MessageId id = MessageId.parse(queued.substring(queued.lastIndexOf(' ') + 1));
      byte[] stored = fx.spool.committedBody(id);
      String storedText = new String(stored, StandardCharsets.UTF_8);
      String withoutReceived = storedText.substring(storedText.indexOf("Subject: large"));
      assertThat(sha(withoutReceived)).isEqualTo(sha(text));
    }
    assertThat(fx.policy.bytesInspected.get() - inspectedBefore).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  private static String sha(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void policyThatNeverAnswers_isA_451_4_3_0_afterTheTimeout_andIsCounted() throws Exception {
    long caught = caught();
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      c.send("MAIL FROM:<a@clinic.test>").expect(250);
      assertThat(c.send("RCPT TO:<slow@example.test>").expect(451).text()).startsWith("451 4.3.0");
      c.send("RCPT TO:<fast@example.test>").expect(250);
    }
    assertThat(caught()).isGreaterThan(caught);
  }

  private static long caught() {
    return fx.server.metrics().snapshot().get("mailward_inbound_caught_exceptions_total");
  }

  @Test
  void spoolNotAccepting_refusesMailWith_452_4_3_1() throws Exception {
    fx.spool.reportHealth(new SpoolHealth(SpoolHealth.State.FULL, 0, 0));
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      assertThat(c.send("MAIL FROM:<a@clinic.test>").expect(452).text()).startsWith("452 4.3.1");
    } finally {
      fx.spool.reportHealth(new SpoolHealth(SpoolHealth.State.OK, 0, Long.MAX_VALUE));
    }
  }

  @Test
  void commitFailure_isAnsweredWithTheSpoolReply_neverWith_250_andIsCounted() throws Exception {
    long caught = caught();
    fx.spool.failCommits(true);
    try (SmtpTestClient c = fx.authenticated("apikey")) {
      assertThat(c.sendMessage("a@clinic.test", List.of("b@example.test"), "Subject: x\r\n\r\ny\r\n").text()).startsWith("452 4.3.1");
      c.send("NOOP").expect(250);
    } finally {
      fx.spool.failCommits(false);
    }
    assertThat(caught()).isGreaterThan(caught);
  }

  @Test
  void connectionsPerIpOverTheLimit_getA_421_4_7_0_atConnect() throws Exception {
    try (InboundFixture f = new InboundFixture(c -> c.withLimits(new InboundConfig.Limits(1 << 20, 100, 4096, 10, 100, 2, 100)))) {
      try (SmtpTestClient a = f.connect(); SmtpTestClient b = f.connect();
           SmtpTestClient third = SmtpTestClient.connect(f.submission, f.clientTls())) {
        assertThat(third.read().text()).startsWith("421 4.7.0");
        assertThat(third.closedByServer(2000)).isTrue();
        a.send("NOOP").expect(250);
      }
    }
  }

  @Test
  void tenantConnectionsOverItsLimit_failAuthWith_454_4_7_0() throws Exception {
    try (SmtpTestClient a = fx.authenticated("limited"); SmtpTestClient b = fx.authenticated("limited");
         SmtpTestClient third = fx.connect()) {
      third.send("EHLO esp.test").expect(250);
      third.send("STARTTLS").expect(220);
      third.upgrade();
      third.send("EHLO esp.test").expect(250);
      assertThat(third.send("AUTH PLAIN " + SmtpTestClient.plain("limited", InboundFixture.PASSWORD)).expect(454).text())
          .startsWith("454 4.7.0");
    }
  }

  @Test
  void nullSenderMessagesOverTheTenantsRate_areDeferredAtMail_with_450_4_7_1_whileOrdinaryMailGoesOn() throws Exception {
    InboundConfig.Limits d = InboundConfig.Limits.defaults();
    try (InboundFixture f = new InboundFixture(c -> c.withLimits(new InboundConfig.Limits(d.maxMessageBytes(), d.maxRecipients(),
        d.maxLineLength(), d.maxErrors(), d.maxConnections(), d.maxConnectionsPerIp(), 2)))) {
      try (SmtpTestClient c = f.authenticated("apikey"); SmtpTestClient other = f.authenticated("limited")) {
        for (int i = 0; i < 2; i++) {
          c.send("MAIL FROM:<>").expect(250);
          c.send("RSET").expect(250);
        }
        assertThat(c.send("MAIL FROM:<>").expect(450).text())
            .startsWith("450 4.7.1 Null-sender message rate exceeded for this account");
        c.send("MAIL FROM:<a@clinic.test>").expect(250);
        c.send("RSET").expect(250);
        other.send("MAIL FROM:<>").expect(250); // another tenant has its own allowance
        assertThat(f.server.metrics().snapshot()).containsEntry("mailward_inbound_null_sender_throttled_total", 1L);
      }
    }
  }

  @Test
  void tenantMessageRate_isEnforcedAtMail_with_451_4_7_1() throws Exception {
    try (InboundFixture f = new InboundFixture(c -> c, new TenantLimits(3, 64 * 1024, 2, 0.5))) {
      try (SmtpTestClient c = f.authenticated("limited")) {
        c.send("MAIL FROM:<a@limited.test>").expect(250);
        c.send("RSET").expect(250);
        assertThat(c.send("MAIL FROM:<a@limited.test>").expect(451).text()).startsWith("451 4.7.1");
      }
    }
  }

  @Test
  void idleSession_isClosedWith_421_4_4_2() throws Exception {
    try (InboundFixture f = new InboundFixture(c -> c.withTimeouts(new InboundConfig.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1))))) {
      try (SmtpTestClient c = f.connect()) {
        assertThat(c.read().text()).startsWith("421 4.4.2");
        assertThat(c.closedByServer(2000)).isTrue();
      }
    }
  }

  @Test
  void gracefulShutdown_tellsIdleSessions421_4_3_2_andLetsATransactionFinish() throws Exception {
    InboundFixture f = new InboundFixture();
    try (SmtpTestClient idle = f.authenticated("apikey"); SmtpTestClient busy = f.authenticated("apikey")) {
      busy.send("MAIL FROM:<a@clinic.test>").expect(250);
      busy.send("RCPT TO:<b@example.test>").expect(250);
      // Own thread: the common pool (one thread on two cores) is what the test policy answers on.
      CompletableFuture<Void> down = new CompletableFuture<>();
      Thread stopper = new Thread(() -> {
        f.server.shutdown(Duration.ofSeconds(10));
        down.complete(null);
      }, "test-shutdown");
      stopper.start();
      assertThat(idle.read().text()).startsWith("421 4.3.2");
      busy.send("DATA").expect(354);
      busy.write("Subject: last\r\n\r\nbye\r\n.\r\n");
      assertThat(busy.read().text()).startsWith("250 2.0.0 Ok: queued as");
      assertThat(busy.read().text()).startsWith("421 4.3.2");
      down.get(15, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(f.spool.committed()).hasSize(1);
    } finally {
      f.close();
    }
  }

  @Test
  void reloadedCertificate_isServedToNewConnections_withoutRestart() throws Exception {
    String before;
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO a").expect(250);
      c.send("STARTTLS").expect(220);
      before = serial(c);
    }
    fx.ca.issue("localhost", "127.0.0.1").write(fx.pem.certificate().getParent(), "server");
    fx.server.reloadCertificates();
    try (SmtpTestClient c = fx.connect()) {
      c.send("EHLO a").expect(250);
      c.send("STARTTLS").expect(220);
      assertThat(serial(c)).isNotEqualTo(before);
    }
  }

  private static String serial(SmtpTestClient c) throws Exception {
    c.upgrade();
    return c.peerSerial();
  }
}
