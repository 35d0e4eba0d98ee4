package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.DkimTestKeys;
import org.mailward.testkit.Dnsmasq;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;
import org.mailward.testkit.TestResources;

/**
 * Large messages, end to end: the real relay in a child JVM capped at
 * {@code -Xmx128m}, a real aiosmtpd receiver over verified STARTTLS (dnsmasq
 * names it, a test CA signs it). Messages of 1 to 50 MB arrive byte-identical
 * behind the relay's own Received (and DKIM-Signature) fields, one copy per
 * recipient; a 10 MB message to 100 recipients of one domain goes as ten
 * transactions over one reused connection.
 *
 * <p>The size matrix covers each size once and each variant (text body, base64
 * attachment, signed, unsigned) at least twice rather than every combination:
 * 1 MB text unsigned, 5 MB attachment signed (also checked by dkimverify),
 * 10 MB text signed, 25 MB attachment unsigned, 50 MB attachment signed. The
 * whole class moves about 190 MB through the receiver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeDeliveryIT {
  private static final long MB = 1_000_000L;
  private static final String SIGNED = TestRelays.USER;
  private static final String UNSIGNED = "apikey-labs";
  @TempDir static Path dir;
  private DkimTestKeys.KeyFiles dkim;
  private Receiver receiver;
  private Receiver untrusted;
  private Dnsmasq dns;
  private RelayProcess relay;
  private int port;

  record Sent(LargeMail mail, String sha256, List<String> rcpts, String id) {}

  @BeforeAll
  void startRelayAndReceiver() throws Exception {
    TestCa ca = TestCa.create("large-ca");
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    dkim = DkimTestKeys.ed25519Key(dir);
    receiver = Receiver.start(dir, "127.0.0.2", Optional.of(ca.issue("mx.patients.test", "127.0.0.2")), "ok");
    // the field report's receiver: STARTTLS with a certificate nobody can verify
    untrusted = Receiver.start(dir, "127.0.0.5", Optional.of(TestCa.create("unknown-ca").issue("mx.selfsigned.test")), "ok");
    dns = Dnsmasq.start(dir, List.of("--host-record=mx.patients.test,127.0.0.2", "--host-record=mx.selfsigned.test,127.0.0.5"));
    port = TestRelays.freePort();
    relay = RelayProcess.start(config(caPem), "128m", Map.of("TEST_DKIM_PASSPHRASE", DkimTestKeys.PASSPHRASE));
  }

  @AfterAll
  void stop() throws Exception {
    if (relay != null) {
      relay.close();
    }
    if (dns != null) {
      dns.close();
    }
    for (Receiver r : new Receiver[] {receiver, untrusted}) {
      if (r != null) {
        r.close();
      }
    }
  }

  @Test
  void messagesOfOneToFiftyMegabytes_arriveByteIdentical_throughARelayCappedAt128MB() throws Exception {
    List<Sent> sent = new ArrayList<>();
    sent.add(send(UNSIGNED, new LargeMail("text-1mb", LargeMail.Kind.TEXT, MB, 1), List.of("t1@patients.test")));
    sent.add(send(SIGNED, new LargeMail("pdf-5mb-signed", LargeMail.Kind.ATTACHMENT, 5 * MB, 5), List.of("a5@patients.test")));
    sent.add(send(SIGNED, new LargeMail("text-10mb-signed", LargeMail.Kind.TEXT, 10 * MB, 10), List.of("t10@patients.test")));
    sent.add(send(UNSIGNED, new LargeMail("pdf-25mb", LargeMail.Kind.ATTACHMENT, 25 * MB, 25), List.of("a25@patients.test")));
    sent.add(send(SIGNED, new LargeMail("pdf-50mb-signed", LargeMail.Kind.ATTACHMENT, 50 * MB - 4096, 50),
        List.of("a50@patients.test")));

    Map<String, List<Path>> got = awaitMarkers(sent.stream().map(s -> s.mail().marker()).toList());
    for (Sent s : sent) {
      List<Path> copies = got.get(s.mail().marker());
      assertThat(copies).as("one copy of " + s.mail().marker()).hasSize(1);
      Path file = copies.get(0);
      assertThat(meta(file, "X-Test-TLS")).isEqualTo("yes");
      assertThat(meta(file, "X-Test-Rcpt")).isEqualTo(s.rcpts().get(0));
      assertThat(digestFrom(file, s.mail().firstLine())).as(s.mail().marker() + " byte-identical").isEqualTo(s.sha256());
      String head = head(file);
      assertThat(head.contains("DKIM-Signature:")).as(s.mail().marker() + " signed").isEqualTo(s.mail().marker().endsWith("signed"));
    }
    List<String> lines = deliveryLines();
    for (Sent s : sent) {
      assertThat(lines.stream().filter(l -> l.contains("msgid=" + s.id()))).as("the delivery line of " + s.mail().marker())
          .singleElement().satisfies(l -> assertThat(l).contains("tenant=").contains("domain=patients.test")
              .contains("relay=mx.patients.test[127.0.0.2]:" + receiver.port()).contains("status=sent (250 2.0.0")
              .contains("dsn=2.0.0").containsPattern("delay=[0-9.]+ delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ")
              .contains("tls=TLSv1.3 verified=true"));
    }
    String signed5 = Files.readString(got.get("pdf-5mb-signed").get(0), StandardCharsets.ISO_8859_1);
    String message = signed5.substring(signed5.indexOf("\r\n", signed5.indexOf("X-Test-Rcpt:")) + 2);
    assertThat(TestResources.dkimVerify(message, dkim.dnsRecord(), dir)).as("dkimverify of the 5 MB message").contains("pass");
  }

  @Test
  void aTenMegabyteMessageToAHundredRecipients_goesInTenTransactionsOverOneReusedConnection() throws Exception {
    List<String> rcpts = IntStream.range(0, 100).mapToObj(i -> "p" + i + "@patients.test").toList();
    Sent s = send(UNSIGNED, new LargeMail("pdf-10mb-100rcpt", LargeMail.Kind.ATTACHMENT, 10 * MB, 100), rcpts);

    List<Path> copies = awaitMarkers(List.of("pdf-10mb-100rcpt"), 10).get("pdf-10mb-100rcpt");
    assertThat(copies).hasSize(10); // maxRecipientsPerTransaction: 10
    List<String> delivered = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    int maxTransaction = 0;
    for (Path f : copies) {
      delivered.addAll(List.of(meta(f, "X-Test-Rcpt").split(",")));
      sessions.add(meta(f, "X-Test-Session"));
      maxTransaction = Math.max(maxTransaction, Integer.parseInt(meta(f, "X-Test-Transaction")));
      assertThat(digestFrom(f, s.mail().firstLine())).isEqualTo(s.sha256());
    }
    assertThat(delivered).as("each recipient exactly once").hasSize(100).containsExactlyInAnyOrderElementsOf(rcpts);
    assertThat(sessions.stream().distinct().count()).as("connections used").isLessThan(10);
    assertThat(maxTransaction).as("transactions on one connection").isGreaterThanOrEqualTo(2);
  }

  /**
   * The field report's case: above policy's PHI scan budget (4 MiB) a message is treated as PHI-bearing
   * and needs a verified certificate; to a receiver whose certificate cannot be verified it is deferred
   * (the tenant's fallback), while a 1 MB message to the same receiver goes out at the tenant's level.
   * The deferral is no longer silent: its log line names the reason and the level that policy set.
   */
  @Test
  void aMessageAboveThePhiScanBudget_toAnUnverifiableReceiver_isDeferredWithALoggedReason_aSmallOneIsDelivered() throws Exception {
    Sent small = send(UNSIGNED, new LargeMail("small-to-untrusted", LargeMail.Kind.TEXT, MB, 7), List.of("s@selfsigned.test"));
    Sent large = send(UNSIGNED, new LargeMail("large-to-untrusted", LargeMail.Kind.ATTACHMENT, 6 * MB, 8), List.of("l@selfsigned.test"));

    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline && (untrusted.messages().isEmpty()
        || deliveryLines().stream().noneMatch(l -> l.contains("msgid=" + large.id())))) {
      Thread.sleep(200);
    }
    assertThat(untrusted.messages()).singleElement().satisfies(m -> assertThat(m).contains(small.mail().firstLine()));
    assertThat(deliveryLines().stream().filter(l -> l.contains("msgid=" + large.id()))).first().satisfies(l -> assertThat(l)
        .contains("relay=mx.selfsigned.test[127.0.0.5]:" + untrusted.port()).contains("status=deferred (451 4.7.5")
        .contains("reason=tls-verify-failed:pkix-untrusted").contains("level=verify(policy)").contains("verified=false"));
  }

  /** The relay's {@code mailward.delivery} lines so far; none may show an address or a subject. */
  private List<String> deliveryLines() {
    List<String> lines = relay.output().lines().filter(l -> l.contains("mailward.delivery")).toList();
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("@").doesNotContain("large message"));
    return lines;
  }

  private Sent send(String user, LargeMail mail, List<String> rcpts) throws IOException {
    try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      assertThat(c.startTlsAndLogin("esp.test", user, TestRelays.PASSWORD).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<news@clinic.example>").code()).isEqualTo(250);
      for (String r : rcpts) {
        assertThat(c.command("RCPT TO:<" + r + ">").code()).isEqualTo(250);
      }
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String sha = mail.writeTo(c.output());
      var queued = c.read();
      assertThat(queued.code()).as(queued.text()).isEqualTo(250);
      c.command("QUIT");
      return new Sent(mail, sha, rcpts, queued.last().substring(queued.last().lastIndexOf(' ') + 1));
    }
  }

  private Map<String, List<Path>> awaitMarkers(List<String> markers) throws Exception {
    return awaitMarkers(markers, 1);
  }

  /** The received files by marker, once each marker has {@code copies} files (bounded wait; a file appears whole, by rename). */
  private Map<String, List<Path>> awaitMarkers(List<String> markers, int copies) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    Map<Path, String> known = new HashMap<>();
    while (System.nanoTime() < deadline) {
      List<Path> files;
      try (Stream<Path> s = Files.list(receiver.dir())) {
        files = s.filter(p -> p.toString().endsWith(".eml")).toList();
      }
      for (Path f : files) {
        if (!known.containsKey(f)) {
          known.put(f, meta(f, "X-Large-Test"));
        }
      }
      Map<String, List<Path>> by = new HashMap<>();
      known.forEach((f, m) -> by.computeIfAbsent(m, k -> new ArrayList<>()).add(f));
      if (markers.stream().allMatch(m -> by.getOrDefault(m, List.of()).size() >= copies)) {
        Thread.sleep(500); // a duplicate would show up now
        try (Stream<Path> s = Files.list(receiver.dir())) {
          s.filter(p -> p.toString().endsWith(".eml") && !known.containsKey(p))
              .forEach(p -> by.computeIfAbsent(metaUnchecked(p), k -> new ArrayList<>()).add(p));
        }
        return by;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not every message arrived within 150 s: " + known.values() + "\nrelay output:\n" + relay.output());
  }

  private static String head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
    }
  }

  /** A field's value among the receiver's X-Test-* lines or the message's header (first occurrence). */
  private static String meta(Path file, String name) throws IOException {
    String head = head(file);
    int i = head.indexOf(name + ": ");
    return i < 0 ? "" : head.substring(i + name.length() + 2, head.indexOf('\r', i));
  }

  private static String metaUnchecked(Path file) {
    try {
      return meta(file, "X-Large-Test");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** SHA-256 of the file from the line {@code firstLine} on (what the client sent, behind the relay's own fields). */
  private static String digestFrom(Path file, String firstLine) throws IOException {
    MessageDigest sha = LargeMail.sha256();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      in.mark(64 * 1024);
      String head = new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
      int start = head.indexOf(firstLine + "\r\n");
      assertThat(start).as("the client's header in " + file).isNotNegative();
      in.reset();
      in.skipNBytes(start);
      byte[] buf = new byte[64 * 1024];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private Path config(Path caPem) throws IOException {
    String routes = "patients.test: \"[mx.patients.test]:" + receiver.port() + "\"\n    selfsigned.test: \"[mx.selfsigned.test]:"
        + untrusted.port() + "\"";
    return TestRelays.write(dir, port, "transactional", TestRelays.dkimSignsAll(dkim.pem()), TestRelays.delivery(dns.port(), routes, """
          tls:
            trustAnchors: %s
          smtp:
            maxRecipientsPerTransaction: 10
        """.formatted(caPem)), TestRelays.anotherTenant("labs", UNSIGNED, "transactional"));
  }
}
