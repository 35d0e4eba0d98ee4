package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.AuditHealth;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolStorage;

/** On the real spool: while the audit journal says FAILING nothing is due for delivery; once it records, the recipient is. */
class AuditPausedSpoolTest {
  @TempDir Path dir;

  @Test
  void whileTheAuditJournalIsNotRecording_noRecipientIsClaimed_andAfterwardsItIs() throws Exception {
    try (SpoolStorage storage = RocksChronicleSpool.open(SpoolConfig.defaults(dir.resolve("spool")), Clock.systemUTC())) {
      MessageId id = MessageId.generate(System.currentTimeMillis(), new Random(3));
      MessageWriter w = storage.spool().begin(id);
      w.write(ByteBuffer.wrap("Subject: reminder\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)));
      w.commit(new Envelope(id, new TenantId("clinic"), Optional.of(new EmailAddress("news", "clinic.example")),
          MailParameters.defaults(), List.of(new Recipient(new EmailAddress("jane", "patients.test"), Set.of(), Optional.empty())),
          Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.DEFER, List.of(), false, Instant.now(), "s1"), List.of())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      java.util.concurrent.atomic.AtomicReference<AuditHealth> audit = new java.util.concurrent.atomic.AtomicReference<>();
      AuditPausedSpool delivery = new AuditPausedSpool(storage.spool(), () -> audit.get().recording());
      Instant later = Instant.now().plusSeconds(60);

      audit.set(AuditHealth.failing(Instant.now()));
      assertThat(delivery.claimDue(later, 10)).isEmpty();
      assertThat(delivery.claimDue(later, 10, org.mailward.api.Spool.ClaimOrder.NEWEST_DUE_FIRST)).isEmpty();
      assertThat(delivery.stats().active()).isEqualTo(1);

      audit.set(AuditHealth.ok());
      assertThat(delivery.claimDue(later, 10)).singleElement().satisfies(d -> assertThat(d.ref().messageId()).isEqualTo(id));
    }
  }
}
