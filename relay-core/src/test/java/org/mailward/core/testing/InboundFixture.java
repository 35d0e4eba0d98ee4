package org.mailward.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.mailward.api.AuditJournal;
import org.mailward.api.Redactor;
import org.mailward.api.Tenant;
import org.mailward.api.TenantLimits;
import org.mailward.core.auth.PasswordHasher;
import org.mailward.core.inbound.InboundConfig;
import org.mailward.core.inbound.SmtpServer;
import org.mailward.testkit.MemoryAuditJournal;
import org.mailward.testkit.MemorySpool;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * A running inbound server on 127.0.0.1 (ephemeral ports: a STARTTLS listener
 * "submission" and an implicit-TLS listener "smtps") with the testkit spool (bodies in files),
 * the test policy, an in-memory audit journal and two tenants:
 * {@code apikey}/{@link #PASSWORD} (domain clinic.test) and {@code limited}/{@link #PASSWORD}
 * (domain limited.test, by default 3 recipients, 64 KiB, 2 connections, no rate limit).
 */
public final class InboundFixture implements AutoCloseable {
  public static final String PASSWORD = "correct horse battery";
  public final Path dir;
  public final TestCa ca;
  public final TestCa.PemFiles pem;
  public final MemorySpool spool;
  public final TestPolicyEngine policy = new TestPolicyEngine();
  public final MemoryAuditJournal audit = new MemoryAuditJournal();
  public final Redactor redactor = new Redactor("0123456789abcdef-test-key".getBytes());
  public final SmtpServer server;
  public final InetSocketAddress submission;
  public final InetSocketAddress smtps;
  public final Path caPem;
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);

  public InboundFixture(UnaryOperator<InboundConfig> tweak) throws Exception {
    this(tweak, new TenantLimits(3, 64 * 1024, 2, 0));
  }

  /** With the "limited" tenant's limits given. */
  public InboundFixture(UnaryOperator<InboundConfig> tweak, TenantLimits limitedTenant) throws Exception {
    this(tweak, limitedTenant, null);
  }

  /** With another audit journal than {@link #audit} (which then stays empty), e.g. one on a failing disk. */
  public InboundFixture(AuditJournal journal) throws Exception {
    this(c -> c, new TenantLimits(3, 64 * 1024, 2, 0), journal);
  }

  private InboundFixture(UnaryOperator<InboundConfig> tweak, TenantLimits limitedTenant, AuditJournal journal) throws Exception {
    dir = Files.createTempDirectory("mailward-inbound");
    ca = TestCa.create("Mailward Test CA");
    pem = ca.issue("localhost", "127.0.0.1").write(dir.resolve("tls"), "server");
    caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    spool = MemorySpool.withBodyFiles(dir.resolve("spool"), Clock.systemUTC());
    PasswordHasher hasher = new PasswordHasher(1024, 1, 1);
    String hash = hasher.hash(PASSWORD.toCharArray());
    Tenant limited = Tenants.withLimits(hash, limitedTenant);
    InboundConfig config = InboundConfig.defaults("mx.mailward.test",
        List.of(new InboundConfig.Listener("submission", "127.0.0.1", 0, InboundConfig.Mode.STARTTLS),
            new InboundConfig.Listener("smtps", "127.0.0.1", 0, InboundConfig.Mode.IMPLICIT_TLS)),
        pem.certificate(), pem.key())
        .withTimeouts(new InboundConfig.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5)))
        .withAuthThrottling(new InboundConfig.AuthThrottling(20, 3, Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMillis(50)));
    config = tweak.apply(config);
    server = new SmtpServer(config, new MapTenantDirectory(List.of(Tenants.clinic(hash), limited)), policy, spool,
        journal == null ? audit : journal,
        redactor, Clock.systemUTC(), blocking, hasher);
    Map<String, InetSocketAddress> bound = server.start();
    submission = bound.get("submission");
    smtps = bound.get("smtps");
  }

  public InboundFixture() throws Exception {
    this(c -> c);
  }

  public SSLContext clientTls() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, ca.trustManagers().getTrustManagers(), null);
    return ctx;
  }

  /** A client connected to the STARTTLS listener, greeting read. */
  public SmtpTestClient connect() throws Exception {
    SmtpTestClient c = SmtpTestClient.connect(submission, clientTls());
    c.expect(220);
    return c;
  }

  /** Connected, STARTTLS done, EHLO sent, authenticated as {@code user}. */
  public SmtpTestClient authenticated(String user) throws Exception {
    SmtpTestClient c = connect();
    c.send("EHLO esp.test").expect(250);
    c.send("STARTTLS").expect(220);
    c.upgrade();
    c.send("EHLO esp.test").expect(250);
    c.send("AUTH PLAIN " + SmtpTestClient.plain(user, PASSWORD)).expect(235);
    return c;
  }

  /** Connected from {@code localAddress} (a loopback address: another "host"), STARTTLS and EHLO done, not authenticated. */
  public SmtpTestClient securedFrom(String localAddress) throws Exception {
    SmtpTestClient c = SmtpTestClient.connect(submission, clientTls(), localAddress);
    c.expect(220);
    c.send("EHLO esp.test").expect(250);
    c.send("STARTTLS").expect(220);
    c.upgrade();
    c.send("EHLO esp.test").expect(250);
    return c;
  }

  @Override
  public void close() throws IOException {
    server.shutdown(Duration.ofSeconds(1));
    blocking.shutdownNow();
    spool.close();
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
