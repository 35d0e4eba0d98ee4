package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditRecord;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;
import org.mailward.app.metrics.MetricNames;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.dsn.DsnWriter;
import org.mailward.delivery.dsn.Injector;
import org.mailward.delivery.dsn.RelayedNotices;
import org.mailward.delivery.schedule.RetryPolicy;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolStorage;

/**
 * The operator's bounce on the real spool: the DSN is spooled first, then the recipients are
 * settled, with a {@code queue.bounce.dsn} audit record and a count; a null-sender message is
 * bounced without one; a DSN the spool refuses fails the bounce and leaves the message queued.
 */
class NotifyingQueueControlTest {
  @TempDir Path dir;
  private final Random random = new Random(7);
  private final ExecutorService pool = Relay.named("test-dsn", 1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private SpoolStorage open() {
    return RocksChronicleSpool.open(SpoolConfig.defaults(dir.resolve("spool")), Clock.systemUTC());
  }

  private NotifyingQueueControl control(SpoolStorage storage, Spool injectInto) {
    DsnWriter dsn = new DsnWriter(injectInto, new Injector(injectInto, pool), "relay.test",
        new RetryPolicy(DeliveryConfig.defaults().retry(), random), new RelayedNotices(), Clock.systemUTC(), random);
    return new NotifyingQueueControl(storage.queueControl(), storage.spool(), dsn, storage.audit(), registry, Clock.systemUTC());
  }

  private MessageId accept(Spool spool, Optional<EmailAddress> sender) throws Exception {
    MessageId id = MessageId.generate(System.currentTimeMillis(), random);
    MessageWriter w = spool.begin(id);
    w.write(ByteBuffer.wrap("Subject: reminder\r\n\r\nthe body\r\n".getBytes(StandardCharsets.US_ASCII)));
    w.commit(new Envelope(id, new TenantId("clinic"), sender, MailParameters.defaults(),
        List.of(new Recipient(new EmailAddress("jane", "patients.test"), Set.of(), Optional.empty()),
            new Recipient(new EmailAddress("joe", "patients.test"), Set.of(), Optional.empty())),
        Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.DEFER, List.of(), false, Instant.now(), "s1"), List.of())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return id;
  }

  private static <T> T done(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private double bounces(String dsn) {
    return registry.get(MetricNames.QUEUE_OPERATOR_BOUNCES).tag("dsn", dsn).counter().count();
  }

  private static List<AuditRecord> dsnRecords(SpoolStorage storage, MessageId id) {
    return storage.audit().query(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.of(id), 100).stream()
        .filter(r -> r.event().type().equals("queue.bounce.dsn")).toList();
  }

  @Test
  void aBounce_spoolsTheSendersDsnFirst_thenSettlesBothRecipients_andAuditsAndCountsIt() throws Exception {
    try (SpoolStorage storage = open()) {
      MessageId id = accept(storage.spool(), Optional.of(new EmailAddress("news", "clinic.example")));
      NotifyingQueueControl control = control(storage, storage.spool());

      assertThat(done(control.bounce(id))).isEqualTo(2);

      assertThat(control.message(id)).as("the original is finished").isEmpty();
      List<AuditRecord> records = dsnRecords(storage, id);
      assertThat(records).singleElement().satisfies(r -> {
        assertThat(r.event().facts()).containsEntry("recipients", "2").containsEntry("reason", "spooled");
        assertThat(r.event().facts().toString()).doesNotContain("@");
      });
      MessageId dsn = MessageId.parse(records.get(0).event().facts().get("dsn"));
      Envelope notice = storage.spool().envelope(dsn).orElseThrow();
      assertThat(notice.reversePath()).isEmpty();
      assertThat(notice.recipients()).extracting(r -> r.address().asString()).containsExactly("news@clinic.example");
      String text;
      try (InputStream in = storage.spool().body(dsn).orElseThrow().open()) {
        text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
      assertThat(text).contains("Final-Recipient: rfc822; jane@patients.test").contains("Final-Recipient: rfc822; joe@patients.test")
          .contains("Status: 5.0.0").contains("Diagnostic-Code: X-Mailward; bounced by operator").contains("Subject: reminder")
          .doesNotContain("the body");
      assertThat(bounces("spooled")).isEqualTo(1.0);
    }
  }

  @Test
  void aNullSenderMessage_isBouncedWithoutADsn() throws Exception {
    try (SpoolStorage storage = open()) {
      MessageId id = accept(storage.spool(), Optional.empty());
      long before = storage.spool().stats().messages();

      assertThat(done(control(storage, storage.spool()).bounce(id))).isEqualTo(2);

      assertThat(storage.spool().stats().messages()).as("no DSN spooled, the original finished").isEqualTo(before - 1);
      assertThat(dsnRecords(storage, id)).singleElement()
          .satisfies(r -> assertThat(r.event().facts()).containsEntry("dsn", "none").containsEntry("reason", "null-sender"));
      assertThat(bounces("not-owed")).isEqualTo(1.0);
    }
  }

  @Test
  void aDsnTheSpoolRefuses_failsTheBounce_andLeavesEveryRecipientQueued() throws Exception {
    try (SpoolStorage storage = open()) {
      MessageId id = accept(storage.spool(), Optional.of(new EmailAddress("news", "clinic.example")));
      Spool refusing = new ForwardingSpool(storage.spool()) {
        @Override
        public MessageWriter begin(MessageId m) {
          throw new SpoolException.Unavailable("spool disk is below its free-space floor", null);
        }
      };
      NotifyingQueueControl control = control(storage, refusing);

      assertThatThrownBy(() -> done(control.bounce(id))).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SpoolException.Unavailable.class);

      assertThat(control.message(id)).hasValueSatisfying(m -> assertThat(m.recipients()).hasSize(2));
      assertThat(dsnRecords(storage, id)).isEmpty();
      assertThat(bounces("failed")).isEqualTo(1.0);
      assertThat(bounces("spooled")).isZero();
    }
  }
}
