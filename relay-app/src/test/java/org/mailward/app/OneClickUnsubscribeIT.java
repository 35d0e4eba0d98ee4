package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditRecord;
import org.mailward.api.EmailAddress;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.TenantId;
import org.mailward.app.config.ConfigLoader;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.testkit.SmtpTestClient;

/**
 * One-click unsubscribe through the whole relay: marketing mail gets a List-Unsubscribe link,
 * an RFC 8058 POST to that link over the relay's own HTTPS endpoint unsubscribes, and the very
 * next RCPT for that person is refused; a GET of the link changes nothing; the ESP is told.
 */
class OneClickUnsubscribeIT {
  private static final TenantId CLINIC = new TenantId("clinic");
  private static final String PERSON = "pat@patients.example";
  @TempDir Path dir;
  private Relay relay;
  private HttpServer esp;
  private final List<String> espBodies = new CopyOnWriteArrayList<>();
  private final CountDownLatch espCalled = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    esp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    esp.createContext("/unsub", ex -> {
      espBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
      espCalled.countDown();
    });
    esp.start();
    int https = TestRelays.freePort();
    Path config = TestRelays.write(dir, 0, "marketing", """
            policy:
              unsubscribe:
                baseUrl: "https://127.0.0.1:%d"
                espForwardUrl: "http://127.0.0.1:%d/unsub?list=news"
        """.formatted(https, esp.getAddress().getPort()), """
        unsubscribe:
          enabled: true
          address: 127.0.0.1
          port: %d
        """.formatted(https));
    var cfg = new ConfigLoader().load(config, Map.of());
    relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()));
    assertThat(relay.listeners()).containsKey("unsubscribe");
  }

  @AfterEach
  void stop() {
    relay.close();
    esp.stop(0);
  }

  /** Trusts exactly the relay's self-signed certificate (generated under dataDir/tls on first start). */
  private HttpClient https() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("data/tls/server.crt"))) {
      trust.setCertificateEntry("relay", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void oneClickPost_toTheLinkInTheMail_refusesTheVeryNextRcpt() throws Exception {
    Instant now = Instant.now();
    relay.policy().registry().grant(CLINIC, EmailAddress.parse(PERSON, false).orElseThrow(),
        new ConsentRegistry.Grant(Set.of(Purpose.MARKETING), now.minus(Duration.ofDays(1)),
            Optional.of(now.plus(Duration.ofDays(365))), "doc-4711", "test"));
    HttpClient client = https();
    try (SmtpTestClient c = SmtpTestClient.connect(relay.listeners().get("submission"))) {
      assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
      c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
      assertThat(c.command("RCPT TO:<" + PERSON + ">").code()).isEqualTo(250);
      c.command("DATA");
      var queued = c.command("From: <news@clinic.example>\r\nTo: <" + PERSON + ">\r\nSubject: Spring newsletter\r\n\r\n"
          + "Our new opening hours.\r\n.");
      assertThat(queued.code()).isEqualTo(250);
      MessageId id = MessageId.parse(queued.last().substring(queued.last().lastIndexOf(' ') + 1));
      String header = relay.storage().spool().envelope(id).orElseThrow().headerEdits().stream()
          .filter(e -> e instanceof HeaderEdit.Replace r && r.name().equals("List-Unsubscribe"))
          .map(e -> ((HeaderEdit.Replace) e).value()).findFirst().orElseThrow();
      URI link = URI.create(header.substring(header.indexOf('<') + 1, header.indexOf('>')));
      assertThat(link.toString()).startsWith("https://127.0.0.1:");

      // A link scanner's GET shows the confirmation page and changes nothing.
      HttpResponse<String> page = client.send(HttpRequest.newBuilder(link).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<form method=\"post\">").doesNotContain("patients.example");
      c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
      assertThat(c.command("RCPT TO:<" + PERSON + ">").code()).isEqualTo(250);
      c.command("RSET");

      // The RFC 8058 one-click POST, as a mailbox provider sends it.
      HttpResponse<String> done = client.send(HttpRequest.newBuilder(link)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).contains("You are unsubscribed");

      c.command("MAIL FROM:<" + TestRelays.SENDER + ">");
      var refused = c.command("RCPT TO:<" + PERSON + ">");
      assertThat(refused.text()).startsWith("550 5.7.1").containsAnyOf("suppression.unsubscribe", "consent.revoked")
          .doesNotContain("pat@");
      c.command("RSET");
    }

    assertThat(espCalled.await(10, TimeUnit.SECONDS)).as("the ESP is told").isTrue();
    assertThat(espBodies).containsExactly("List-Unsubscribe=One-Click");

    List<AuditRecord> audit = Audits.awaitType(relay, "unsubscribe.revoked");
    assertThat(audit).filteredOn(r -> r.event().type().equals("unsubscribe.revoked")).singleElement().satisfies(r -> {
      assertThat(r.event().tenant()).contains(CLINIC);
      assertThat(r.event().facts()).containsEntry("purpose", "marketing").containsEntry("repeat", "false");
    });
    assertThat(audit).allSatisfy(r -> assertThat(r.event().facts().toString()).doesNotContain("patients.example"));
    assertThat(relay.storage().audit().verifyChain()).isEmpty();
  }
}
