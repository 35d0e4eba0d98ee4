package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.mailward.api.Envelope;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.PostfixEsp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Postfix as the ESP: mail submitted to its smtpd is relayed through
 * relayhost + SASL over STARTTLS into Mailward and lands in the test spool.
 */
class PostfixEspIT {
  static InboundFixture fx;
  static PostfixEsp postfix;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PostfixEsp.available(), "postfix installed and running as root");
    fx = new InboundFixture();
    postfix = PostfixEsp.start(fx.submission.getPort(), "apikey", InboundFixture.PASSWORD, fx.caPem);
  }

  @AfterAll
  static void stop() throws Exception {
    if (postfix != null) {
      postfix.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void mailSubmittedToPostfix_isRelayedOverStarttlsWithSasl_intoTheSpool() throws Exception {
    RealClientsIT.Run r = RealClientsIT.run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(postfix.smtpPort()),
        "--ehlo", "app.esp.test", "--from", "news@clinic.test", "--to", "patient@example.test",
        "--header", "Subject: via postfix", "--body", "Relayed by a real Postfix.", "--timeout", "20");
    assertThat(r.exit()).as(r.output()).isZero();
    Optional<Envelope> arrived = Optional.empty();
    long deadline = System.nanoTime() + 45_000_000_000L;
    while (arrived.isEmpty() && System.nanoTime() < deadline) {
      arrived = fx.spool.committed().values().stream()
          .filter(e -> e.recipients().get(0).address().asString().equals("patient@example.test")).findFirst();
      Thread.sleep(100);
    }
    assertThat(arrived).as("queue:\n%s\nlog:\n%s", postfix.queue(), postfix.log()).isPresent();
    Envelope env = arrived.get();
    assertThat(env.tenant().value()).isEqualTo("clinic");
    assertThat(env.reversePath().orElseThrow().asString()).isEqualTo("news@clinic.test");
    String body = new String(fx.spool.committedBody(env.id()), StandardCharsets.UTF_8);
    assertThat(body).startsWith("Received: from esp.test ([127.0.0.1])").contains("with ESMTPSA").contains("version=TLSv1.3");
    assertThat(body).contains("Subject: via postfix").contains("Relayed by a real Postfix.");
    assertThat(postfix.log()).contains("relay=127.0.0.1[127.0.0.1]:" + fx.submission.getPort()).contains("status=sent");
  }
}
