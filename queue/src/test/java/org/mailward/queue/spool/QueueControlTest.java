package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.queue.spool.SpoolFixtures.body;
import static org.mailward.queue.spool.SpoolFixtures.envelope;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.QueueControl;
import org.mailward.api.QueueControl.QueueState;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.RecipientRef;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.queue.SpoolConfig;
import org.mailward.testkit.ManualClock;

/**
 * QueueControl on the real spool: hold and release, suspended destinations, retry-now, bounce and delete,
 * the listing and qshape — each durable when its stage completes, so a restart (a fresh open of the same
 * directory) sees it. Recipients of SpoolFixtures.envelope are at clinic0.test, clinic1.test, clinic2.test.
 */
class QueueControlTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));

  private SpoolStorage open() {
    return RocksChronicleSpool.open(SpoolConfig.defaults(dir), clock);
  }

  private MessageId commit(Spool spool, int recipients) throws Exception {
    MessageId id = MessageId.generate(clock.millis(), random);
    MessageWriter w = spool.begin(id);
    w.write(ByteBuffer.wrap(body(id.lsb(), 500)));
    w.commit(envelope(id, recipients), List.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return id;
  }

  private static <T> T done(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<RecipientRef> due(Spool spool, Instant now) {
    return spool.claimDue(now, 1000).stream().map(Spool.DueRecipient::ref).toList();
  }

  private static List<RecipientRef> refs(MessageId id, int... indexes) {
    return java.util.Arrays.stream(indexes).mapToObj(i -> new RecipientRef(id, i)).toList();
  }

  @Test
  void aHeldMessage_isNotClaimed_untilReleased_acrossARestart() throws Exception {
    MessageId held;
    MessageId other;
    try (SpoolStorage s = open()) {
      held = commit(s.spool(), 3);
      other = commit(s.spool(), 1);
      assertThat(done(s.queueControl().hold(held))).isEqualTo(3);
      assertThat(due(s.spool(), clock.instant())).containsExactlyElementsOf(refs(other, 0));
      List<QueueControl.QueuedMessage> list = s.queueControl().list(Optional.of(QueueState.HELD), Optional.empty(), 10);
      assertThat(list).hasSize(1);
      assertThat(list.get(0).id()).isEqualTo(held);
      assertThat(list.get(0).recipients()).allSatisfy(r -> {
        assertThat(r.state()).isEqualTo(QueueState.HELD);
        assertThat(r.nextAttempt()).isEmpty();
      });
      assertThat(list.get(0).recipients().get(1).address().asString()).isEqualTo("patient1@clinic1.test");
      assertThat(s.spool().stats().active()).as("held recipients are not final").isEqualTo(4);
    }
    try (SpoolStorage s = open()) {
      clock.advance(Duration.ofHours(1));
      assertThat(due(s.spool(), clock.instant())).as("after the restart only the unheld message is due")
          .containsExactlyElementsOf(refs(other, 0));
      assertThat(done(s.queueControl().release(held))).isEqualTo(3);
      assertThat(due(s.spool(), clock.instant())).containsExactlyInAnyOrderElementsOf(refs(held, 0, 1, 2));
    }
    try (SpoolStorage s = open()) {
      assertThat(due(s.spool(), clock.instant())).as("released, and due again after a restart")
          .containsAll(refs(held, 0, 1, 2));
      assertThat(s.queueControl().list(Optional.of(QueueState.HELD), Optional.empty(), 10)).isEmpty();
    }
  }

  @Test
  void aSuspendedDestination_isNotClaimed_andStaysSuspendedAfterARestart_untilResumed() throws Exception {
    MessageId id;
    try (SpoolStorage s = open()) {
      id = commit(s.spool(), 3);
      done(s.queueControl().suspend("clinic1.test"));
      assertThat(due(s.spool(), clock.instant())).containsExactlyInAnyOrderElementsOf(refs(id, 0, 2));
    }
    try (SpoolStorage s = open()) {
      assertThat(s.queueControl().suspendedDomains()).containsExactly("clinic1.test");
      assertThat(due(s.spool(), clock.instant())).containsExactlyInAnyOrderElementsOf(refs(id, 0, 2));
      done(s.queueControl().resume("clinic1.test"));
      assertThat(due(s.spool(), clock.instant())).containsExactlyElementsOf(refs(id, 1));
    }
    try (SpoolStorage s = open()) {
      assertThat(s.queueControl().suspendedDomains()).isEmpty();
      assertThat(due(s.spool(), clock.instant())).containsExactlyInAnyOrderElementsOf(refs(id, 0, 1, 2));
    }
  }

  @Test
  void retryNow_makesADeferredRecipientDueAtOnce_andTheListingShowsAttemptsNextAttemptAndLastReply() throws Exception {
    try (SpoolStorage s = open()) {
      MessageId id = commit(s.spool(), 2);
      assertThat(due(s.spool(), clock.instant())).hasSize(2);
      Instant retryAt = clock.instant().plus(Duration.ofHours(1));
      done(s.spool().settle(List.of(new Spool.Settlement(new RecipientRef(id, 0), deferred(retryAt)),
          new Spool.Settlement(new RecipientRef(id, 1), deferred(retryAt)))));
      QueueControl.QueuedRecipient r = s.queueControl().list(Optional.of(QueueState.DEFERRED), Optional.of("clinic0.test"), 10)
          .get(0).recipients().get(0);
      assertThat(r.index()).isZero();
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.nextAttempt()).contains(retryAt);
      assertThat(r.lastReply()).as("code and enhanced status, never the text").contains("451 4.3.0");
      clock.advance(Duration.ofMinutes(10));
      List<QueueControl.DestinationShape> shape = s.queueControl().shape(clock.instant(),
          List.of(Duration.ofMinutes(5), Duration.ofHours(1)));
      assertThat(shape).extracting(QueueControl.DestinationShape::domain).containsExactlyInAnyOrder("clinic0.test", "clinic1.test");
      assertThat(shape.get(0).countsByAge()).as("10 minutes old: the second bucket").containsExactly(0L, 1L, 0L);
      assertThat(due(s.spool(), clock.instant())).isEmpty();

      assertThat(done(s.queueControl().retryNow(new QueueControl.Selector.Domain("clinic1.test")))).isEqualTo(1);
      assertThat(due(s.spool(), clock.instant())).containsExactlyElementsOf(refs(id, 1));
      assertThat(done(s.queueControl().retryNow(new QueueControl.Selector.All()))).isEqualTo(1);
      assertThat(due(s.spool(), clock.instant())).containsExactlyElementsOf(refs(id, 0));
    }
  }

  @Test
  void bounce_andDelete_finishTheMessage_andShredIt_acrossARestart() throws Exception {
    MessageId bounced;
    MessageId deleted;
    try (SpoolStorage s = open()) {
      bounced = commit(s.spool(), 2);
      deleted = commit(s.spool(), 2);
      assertThat(done(s.queueControl().bounce(bounced))).isEqualTo(2);
      assertThat(done(s.queueControl().delete(deleted))).isEqualTo(2);
      for (MessageId id : List.of(bounced, deleted)) {
        assertThat(s.spool().envelope(id)).isEmpty();
        assertThat(s.spool().body(id)).isEmpty();
      }
      assertThat(s.spool().stats().bounced()).isEqualTo(2);
    }
    try (SpoolStorage s = open()) {
      assertThat(due(s.spool(), clock.instant().plusSeconds(60))).isEmpty();
      assertThat(s.queueControl().list(Optional.empty(), Optional.empty(), 10)).isEmpty();
      assertThat(s.spool().stats().messages()).isZero();
      assertThat(s.spool().stats().bounced()).isEqualTo(2);
      assertThat(done(s.queueControl().delete(deleted))).as("nothing left to delete").isZero();
    }
  }

  @Test
  void aRecipientHeldWhileInFlight_staysHeldWhenItsAttemptIsDeferred() throws Exception {
    try (SpoolStorage s = open()) {
      MessageId id = commit(s.spool(), 1);
      assertThat(due(s.spool(), clock.instant())).hasSize(1); // leased: the attempt is running
      assertThat(done(s.queueControl().hold(id))).isEqualTo(1);
      done(s.spool().settle(List.of(new Spool.Settlement(new RecipientRef(id, 0), deferred(clock.instant())))));
      assertThat(due(s.spool(), clock.instant().plusSeconds(3600))).isEmpty();
      assertThat(s.queueControl().message(id).orElseThrow().recipients().get(0).state()).isEqualTo(QueueState.HELD);
    }
  }

  private static RecipientOutcome deferred(Instant retryAt) {
    return new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.REMOTE_4XX, "4.3.0"),
        Optional.of(SmtpReply.of(451, "4.3.0", "mailbox <x@y> busy")),
        Optional.empty(), retryAt);
  }
}
