package org.mailward.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TlsFallback;
import org.mailward.delivery.Mail;
import org.mailward.testkit.MemorySpool;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.schedule.RetryPolicy;
import org.junit.jupiter.api.Test;

/**
 * The DSN for an operator's bounce: one RFC 3464 failure notice per message to the sender,
 * listing only the bounced recipients that asked for failure notices, with status 5.0.0 and
 * Mailward's own diagnostic; none for a null sender.
 */
class OperatorBounceDsnTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final MemorySpool spool = new MemorySpool(clock);
  private final DsnWriter dsn = new DsnWriter(spool, new Injector(spool, Runnable::run), "relay.test",
      new RetryPolicy(DeliveryConfig.defaults().retry(), new java.util.Random(1)), new RelayedNotices(), clock, new SecureRandom());

  @Test
  void anOperatorBounce_sendsOneDsnListingTheBouncedRecipients_withStatus500AndTheOperatorDiagnostic() throws Exception {
    Envelope original = Mail.envelope(NOW.minusSeconds(600), SecurityLevel.ENCRYPT, "ann@patients.example",
        "bob@patients.example", "cy@other.example");
    spool.add(original, Mail.body("op"));

    Optional<MessageId> id = dsn.bouncedByOperator(original, List.of(2, 0)).toCompletableFuture().get();

    assertThat(id).isPresent();
    assertThat(dsns()).hasSize(1);
    Envelope notice = dsns().get(0);
    assertThat(notice.id()).isEqualTo(id.get());
    assertThat(notice.reversePath()).as("a DSN has a null reverse path").isEmpty();
    assertThat(notice.recipients()).extracting(r -> r.address().asString()).containsExactly("sender@clinic.example");
    String text = new String(spool.committedBody(id.get()), StandardCharsets.US_ASCII);
    assertThat(text).contains("Content-Type: multipart/report; report-type=delivery-status")
        .contains("Final-Recipient: rfc822; ann@patients.example\r\nAction: failed\r\nStatus: 5.0.0\r\n")
        .contains("Final-Recipient: rfc822; cy@other.example\r\nAction: failed\r\nStatus: 5.0.0\r\n")
        .doesNotContain("bob@patients.example")
        .contains("Diagnostic-Code: X-Mailward; bounced by operator")
        .doesNotContain("Diagnostic-Code: smtp")
        .contains("operator returned it")
        .contains("Subject: Appointment op")
        .doesNotContain("Body line with marker op");
    assertThat(text.indexOf("ann@patients.example")).as("recipients in index order").isLessThan(text.indexOf("cy@other.example"));
  }

  @Test
  void aNullSenderMessage_orOnlyNotifyNeverRecipients_getNoDsn() throws Exception {
    Envelope bounceOfBounce = Mail.envelope(NOW, SecurityLevel.ENCRYPT, TlsFallback.BOUNCE, MailParameters.defaults(), null,
        "x@dest.example");
    spool.add(bounceOfBounce, Mail.body("nb"));
    Envelope never = Mail.withNotify(Mail.envelope(NOW, SecurityLevel.ENCRYPT, "y@dest.example"), Set.of(Recipient.Notify.NEVER));
    spool.add(never, Mail.body("nv"));

    assertThat(dsn.bouncedByOperator(bounceOfBounce, List.of(0)).toCompletableFuture().get()).isEmpty();
    assertThat(dsn.bouncedByOperator(never, List.of(0)).toCompletableFuture().get()).isEmpty();
    assertThat(dsns()).isEmpty();
  }

  /** What the writer spooled (MemorySpool.add records the originals there too). */
  private List<Envelope> dsns() {
    return spool.committed().values().stream().filter(e -> e.sessionId().startsWith("dsn:")).toList();
  }
}
