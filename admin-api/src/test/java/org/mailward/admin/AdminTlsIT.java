package org.mailward.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.admin.consent.ImportJobs;
import org.mailward.admin.controlplane.KeyValueControlPlaneLog;
import org.mailward.admin.tenants.TenantRegistry;
import org.mailward.queue.rocks.RocksKeyValueStore;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener with TLS: TLS 1.2 and 1.3 are served and a TLS 1.1 client gets no connection
 * (the server offers only 1.2/1.3; the JDK client refuses 1.1 too, so that line alone proves little); with a client CA
 * and {@code need}, a client without a certificate cannot connect and one with a certificate from
 * that CA can (and still needs a token); a non-loopback address without TLS is refused at start.
 */
class AdminTlsIT {
  @TempDir Path dir;

  private static KeyStore keyStore(TestCa.Issued issued, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("key", issued.key(), password, new Certificate[] {issued.certificate(), issued.ca()});
    return ks;
  }

  private static HttpClient client(TestCa serverCa, Optional<KeyStore> clientKeys, String... protocols) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    if (clientKeys.isPresent()) {
      kmf.init(clientKeys.get(), "pw".toCharArray());
    }
    ctx.init(clientKeys.isPresent() ? kmf.getKeyManagers() : null, serverCa.trustManagers().getTrustManagers(), null);
    SSLParameters params = new SSLParameters();
    params.setProtocols(protocols);
    return HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static int get(HttpClient c, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void tls12And13AreServed_olderIsRefused_andRequiredClientCertificatesAreEnforced() throws Exception {
    TestCa serverCa = TestCa.create("admin server CA");
    TestCa clientCa = TestCa.create("operators CA");
    char[] pw = "pw".toCharArray();
    KeyStore serverKeys = keyStore(serverCa.issue("localhost", "127.0.0.1"), pw);
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      var log = new KeyValueControlPlaneLog(kv, Clock.systemUTC(),
        org.mailward.admin.controlplane.TestCodecs.sealing(dir.resolve("keys")));
      var registry = new TenantRegistry(List.of());
      log.subscribe(0, registry);
      AdminTokens tokens = new AdminTokens(dir.resolve("tokens"), Clock.systemUTC());
      String token = tokens.create(Role.OPERATOR, Optional.empty()).token();
      var ports = new AdminApi.Ports(log, registry, null, new MemoryAuditJournal(), new ImportJobs(Clock.systemUTC()),
          pw2 -> "x", Map::of, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
      var settings = new AdminServer.Settings("127.0.0.1", 0, Optional.of(serverKeys), pw, Optional.of(clientCa.trustStore()),
          AdminServer.ClientAuth.NEED, 1 << 20, 8, Duration.ofSeconds(30));
      try (AdminApi api = new AdminApi(settings, AdminApi.Limits.defaults(), tokens, ports, Clock.systemUTC())) {
        String url = "https://localhost:" + api.start().getPort() + "/api/v1/tenants";
        Optional<KeyStore> operatorCert = Optional.of(keyStore(clientCa.issue("operator.example"), "pw".toCharArray()));

        assertThat(get(client(serverCa, operatorCert, "TLSv1.3"), url, token)).isEqualTo(200);
        assertThat(get(client(serverCa, operatorCert, "TLSv1.2"), url, token)).isEqualTo(200);
        assertThat(get(client(serverCa, operatorCert, "TLSv1.3"), url, null)).as("a certificate is not a token").isEqualTo(401);
        assertThatThrownBy(() -> get(client(serverCa, operatorCert, "TLSv1.1"), url, token)).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> get(client(serverCa, Optional.empty(), "TLSv1.3"), url, token))
            .as("no client certificate").isInstanceOf(Exception.class);
        Optional<KeyStore> strangerCert = Optional.of(keyStore(TestCa.create("other CA").issue("x.example"), "pw".toCharArray()));
        assertThatThrownBy(() -> get(client(serverCa, strangerCert, "TLSv1.3"), url, token))
            .as("a certificate from another CA").isInstanceOf(Exception.class);
      }
    }
  }

  @Test
  void aNonLoopbackAddressWithoutTls_isRefused() {
    assertThatThrownBy(() -> new AdminServer.Settings("0.0.0.0", 0, Optional.empty(), new char[0], Optional.empty(),
        AdminServer.ClientAuth.NONE, 1 << 20, 8, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only with TLS");
  }
}
