package org.mailward.portal.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditEvent;
import org.mailward.portal.Pages;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.TestCa;

/** The one-click endpoint over real HTTPS on 127.0.0.1, with a certificate from a test CA. */
class UnsubscribeServerIT {
  private static final String GOOD = "R29vZFRva2VuLWZvci1vbmUtY2xpY2stdGVzdHMtMDAx";
  private static final String OTHER = "T3RoZXJUb2tlbi1mb3Itb25lLWNsaWNrLXRlc3RzLTAwMg";
  private static final String FORM = "application/x-www-form-urlencoded";

  @TempDir Path dir;
  private final TestCa ca = TestCa.create("portal-test-ca");
  private final MemoryAuditJournal audit = new MemoryAuditJournal();
  private FakeUnsubscriber unsubscriber;
  private EspForwarder forwarder;
  private UnsubscribeServer server;
  private InetSocketAddress bound;
  private HttpClient client;
  private HttpServer esp;

  private void start(Optional<URI> forwardTo) throws Exception {
    TestCa.PemFiles pem = ca.issue("127.0.0.1").write(dir, "portal");
    unsubscriber = new FakeUnsubscriber(Set.of(GOOD, OTHER), forwardTo);
    forwarder = new EspForwarder(new EspForwarder.Settings(Duration.ofSeconds(5), 3, Duration.ofMillis(50), 8), audit,
        Clock.systemUTC());
    server = new UnsubscribeServer(UnsubscribeServer.Settings.of("127.0.0.1", 0, pem.certificate(), pem.key()), unsubscriber,
        forwarder, audit, Clock.systemUTC());
    bound = server.start();
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, ca.trustManagers().getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (esp != null) {
      esp.stop(0);
    }
  }

  private URI url(String path) {
    return URI.create("https://127.0.0.1:" + bound.getPort() + path);
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    return client.send(HttpRequest.newBuilder(url(path)).header("Accept", accept).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String accept) throws Exception {
    return client.send(HttpRequest.newBuilder(url(path)).header("Accept", accept).header("Content-Type", FORM)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertSecurityHeaders(HttpResponse<?> r) {
    for (Map.Entry<String, String> h : Pages.SECURITY_HEADERS) {
      assertThat(r.headers().firstValue(h.getKey())).as(h.getKey()).contains(h.getValue());
    }
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'none'");
    assertThat(r.headers().firstValue("Server")).isEmpty();
  }

  @Test
  void get_showsAConfirmationForm_andChangesNothing() throws Exception {
    start(Optional.empty());
    HttpResponse<String> r = get("/u/" + GOOD, "text/html");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(r.body()).contains("<form method=\"post\">", "name=\"List-Unsubscribe\" value=\"One-Click\"")
        .doesNotContain(GOOD);
    assertSecurityHeaders(r);
    assertThat(unsubscriber.calls()).isZero();
    assertThat(audit.events()).isEmpty();
  }

  @Test
  void oneClickPost_unsubscribesAtOnce_andIsIdempotent() throws Exception {
    start(Optional.empty());
    HttpResponse<String> first = post("/u/" + GOOD, "List-Unsubscribe=One-Click", "*/*");
    HttpResponse<String> again = post("/u/" + GOOD, "List-Unsubscribe=One-Click", "*/*");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("You are unsubscribed").doesNotContain(GOOD);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("You are unsubscribed");
    assertSecurityHeaders(first);
    assertThat(unsubscriber.calls()).isEqualTo(2);
    List<AuditEvent> revoked = audit.ofType("unsubscribe.revoked");
    assertThat(revoked).extracting(e -> e.facts().get("repeat")).containsExactly("false", "true");
    assertThat(revoked).allSatisfy(e -> {
      assertThat(e.tenant()).contains(FakeUnsubscriber.CLINIC);
      assertThat(e.facts()).containsEntry("purpose", "marketing").containsEntry("rule", "suppression.unsubscribe");
      assertThat(e.facts().toString()).doesNotContain(GOOD);
    });
  }

  @Test
  void postWithoutTheOneClickBody_isRefused_andChangesNothing() throws Exception {
    start(Optional.empty());
    HttpResponse<String> r = post("/u/" + GOOD, "unsubscribe=yes", "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    assertThat(unsubscriber.calls()).isZero();
  }

  @Test
  void tamperedToken_gets400ProblemJson_thatRevealsNothing() throws Exception {
    start(Optional.empty());
    String tampered = GOOD.substring(0, 10) + (GOOD.charAt(10) == 'A' ? 'B' : 'A') + GOOD.substring(11);
    HttpResponse<String> r = post("/u/" + tampered, "List-Unsubscribe=One-Click", "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    assertThat(r.body()).contains("\"status\":400", "\"type\":\"tag:mailward.org,2026:problem:invalid-link\"", "\"title\":")
        .doesNotContain(tampered).doesNotContain("signature").doesNotContain("clinic");
    assertSecurityHeaders(r);
    assertThat(audit.ofType("unsubscribe.rejected")).singleElement().satisfies(e -> {
      assertThat(e.facts()).containsEntry("rule", "unsubscribe.token.invalid");
      assertThat(e.facts().toString()).doesNotContain(tampered);
    });
    assertThat(audit.ofType("unsubscribe.revoked")).isEmpty();

    HttpResponse<String> browser = post("/u/" + tampered, "List-Unsubscribe=One-Click", "text/html");
    assertThat(browser.statusCode()).isEqualTo(400);
    assertThat(browser.body()).contains("This unsubscribe link is not valid").doesNotContain(tampered);
  }

  @Test
  void malformedToken_isRefusedWithoutALookup() throws Exception {
    start(Optional.empty());
    HttpResponse<String> r = post("/u/short%3Cscript%3E", "List-Unsubscribe=One-Click", "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("script");
    assertThat(get("/u/short%3Cscript%3E", "text/html").statusCode()).isEqualTo(400);
    assertThat(unsubscriber.calls()).isZero();
  }

  @Test
  void unknownRoutesAndMethods_get404Problems_withSecurityHeaders() throws Exception {
    start(Optional.empty());
    for (String path : List.of("/", "/admin", "/u", "/u/" + GOOD + "/extra", "/metrics")) {
      HttpResponse<String> r = get(path, "application/problem+json");
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
      assertThat(r.body()).contains("\"status\":404");
      assertSecurityHeaders(r);
    }
    HttpResponse<String> delete = client.send(HttpRequest.newBuilder(url("/u/" + GOOD)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(404);
    assertSecurityHeaders(delete);
    assertThat(unsubscriber.calls()).isZero();
  }

  @Test
  void storeFailure_gets503_withRetryAfter() throws Exception {
    start(Optional.empty());
    HttpResponse<String> r = post("/u/" + FakeUnsubscriber.OUTAGE, "List-Unsubscribe=One-Click", "application/json");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).contains("60");
    assertThat(r.body()).contains("\"status\":503").doesNotContain("store closed");
  }

  @Test
  void oversizedBody_gets413_beforeAnyLookup() throws Exception {
    start(Optional.empty());
    HttpResponse<String> r = post("/u/" + GOOD, "List-Unsubscribe=One-Click&pad=" + "x".repeat(10_000), "application/json");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(unsubscriber.calls()).isZero();
  }

  @Test
  void espForward_reachesTheEsp_withTheOneClickBody_afterTheResponse_andIsRetried() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> types = new CopyOnWriteArrayList<>();
    AtomicInteger hits = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch delivered = new CountDownLatch(1);
    esp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    esp.createContext("/esp/unsub", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      types.add(ex.getRequestHeaders().getFirst("Content-Type"));
      int n = hits.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS); // holds the first attempt until the person has their page
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(n == 1 ? 503 : 200, -1);
      ex.close();
      if (n > 1) {
        delivered.countDown();
      }
    });
    esp.start();
    start(Optional.of(URI.create("http://127.0.0.1:" + esp.getAddress().getPort() + "/esp/unsub?list=7&u=abc")));

    HttpResponse<String> r = post("/u/" + GOOD, "List-Unsubscribe=One-Click", "*/*");
    assertThat(r.statusCode()).isEqualTo(200); // answered while the ESP still holds the forward
    release.countDown();
    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(bodies).hasSize(2).containsOnly("List-Unsubscribe=One-Click");
    assertThat(types).containsOnly(FORM);
    waitFor(() -> !audit.ofType("unsubscribe.forwarded").isEmpty());
    assertThat(audit.ofType("unsubscribe.forwarded")).singleElement()
        .satisfies(e -> assertThat(e.facts()).containsEntry("attempts", "2").containsEntry("outcome", "HTTP 200"));

    // a repeat click is not forwarded again
    post("/u/" + GOOD, "List-Unsubscribe=One-Click", "*/*");
    assertThat(forwarder.pending()).isZero();
    assertThat(hits.get()).isEqualTo(2);
  }

  @Test
  void tls11AndNonAeadSuites_areRefused_andTls12IsServed() throws Exception {
    start(Optional.empty());
    RawClientHello.Answer old = RawClientHello.send(bound, RawClientHello.TLS_1_1);
    assertThat(old.serverHello()).as("TLS 1.1 must not get a ServerHello").isFalse();
    assertThat(old.alertDescription()).as("alert protocol_version(70)").isEqualTo(70);
    RawClientHello.Answer current = RawClientHello.send(bound, RawClientHello.TLS_1_2);
    assertThat(current.serverHello()).as("the same hello at TLS 1.2 is answered").isTrue();
    RawClientHello.Answer cbc = RawClientHello.send(bound, RawClientHello.TLS_1_2, RawClientHello.CBC_ONLY);
    assertThat(cbc.serverHello()).as("TLS 1.2 with CBC or static-RSA suites only").isFalse();
    assertThat(cbc.alertDescription()).as("alert handshake_failure(40)").isEqualTo(40);
  }

  @Test
  void curl_oneClickPost_unsubscribes_andMultipartIsAcceptedToo() throws Exception {
    start(Optional.empty());
    Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    String base = "https://127.0.0.1:" + bound.getPort() + "/u/";
    CurlResult urlencoded = curl("--cacert", caPem.toString(), "-X", "POST", "-d", "List-Unsubscribe=One-Click", base + GOOD);
    assertThat(urlencoded.status()).isEqualTo("200");
    assertThat(urlencoded.body()).contains("You are unsubscribed");
    CurlResult multipart = curl("--cacert", caPem.toString(), "-F", "List-Unsubscribe=One-Click", base + OTHER);
    assertThat(multipart.status()).isEqualTo("200");
    assertThat(unsubscriber.calls()).isEqualTo(2);
    assertThat(audit.ofType("unsubscribe.revoked")).extracting(e -> e.facts().get("repeat")).containsExactly("false", "false");
    CurlResult tls11 = curl("--cacert", caPem.toString(), "--tlsv1.1", "--tls-max", "1.1", base + GOOD);
    assertThat(tls11.exit()).isNotZero();
  }

  private record CurlResult(int exit, String status, String body) {}

  private static CurlResult curl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    int nl = out.lastIndexOf('\n');
    return new CurlResult(p.exitValue(), out.substring(nl + 1).trim(), nl < 0 ? out : out.substring(0, nl));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
