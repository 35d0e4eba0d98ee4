package org.mailward.queue.spool;

import org.mailward.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.queue.spool.SpoolFixtures.body;
import static org.mailward.queue.spool.SpoolFixtures.envelope;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Spool;
import org.mailward.api.Spool.ClaimOrder;
import org.mailward.api.Spool.DueRecipient;
import org.mailward.api.Spool.Settlement;
import org.mailward.queue.SpoolConfig;

/** claimDue in both orders, and claims that stay cheap past many leased recipients. */
class DueClaimTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));

  private SpoolStorage open() {
    return RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(4096, 256L << 20, 0), clock);
  }

  private CompletableFuture<MessageId> commitAsync(Spool spool, int recipients) {
    MessageId id = MessageId.generate(clock.millis(), random);
    MessageWriter w = spool.begin(id);
    w.write(ByteBuffer.wrap(body(id.lsb(), 300)));
    return w.commit(envelope(id, recipients), List.of()).toCompletableFuture().thenApply(v -> id);
  }

  private MessageId commit(Spool spool, int recipients) throws Exception {
    return commitAsync(spool, recipients).get(10, TimeUnit.SECONDS);
  }

  private static List<MessageId> ids(List<DueRecipient> due) {
    return due.stream().map(d -> d.ref().messageId()).toList();
  }

  @Test
  void newestDueFirst_leasesTheNewestDueRecipients_andOldestDueFirstTheOldest() throws Exception {
    try (SpoolStorage s = open()) {
      Spool spool = s.spool();
      MessageId first = commit(spool, 1);
      clock.advance(Duration.ofSeconds(1));
      MessageId second = commit(spool, 1);
      clock.advance(Duration.ofSeconds(1));
      MessageId third = commit(spool, 1);
      Instant early = clock.instant().minusSeconds(1);

      assertThat(ids(spool.claimDue(early, 5, ClaimOrder.NEWEST_DUE_FIRST)))
          .as("nothing due after `now` is leased").containsExactly(second, first);
      assertThat(ids(spool.claimDue(clock.instant(), 5, ClaimOrder.NEWEST_DUE_FIRST))).containsExactly(third);
      assertThat(spool.claimDue(clock.instant(), 5, ClaimOrder.OLDEST_DUE_FIRST)).isEmpty();
    }
  }

  @Test
  void bothOrders_takeTurnsWithoutLeasingARecipientTwice() throws Exception {
    try (SpoolStorage s = open()) {
      Spool spool = s.spool();
      List<MessageId> committed = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        committed.add(commit(spool, 1));
        clock.advance(Duration.ofMillis(10));
      }
      Instant now = clock.instant();
      assertThat(ids(spool.claimDue(now, 1, ClaimOrder.NEWEST_DUE_FIRST))).containsExactly(committed.get(3));
      assertThat(ids(spool.claimDue(now, 1, ClaimOrder.OLDEST_DUE_FIRST))).containsExactly(committed.get(0));
      assertThat(ids(spool.claimDue(now, 1, ClaimOrder.NEWEST_DUE_FIRST))).containsExactly(committed.get(2));
      assertThat(ids(spool.claimDue(now, 5, ClaimOrder.OLDEST_DUE_FIRST))).containsExactly(committed.get(1));
      assertThat(spool.claimDue(now, 5, ClaimOrder.NEWEST_DUE_FIRST)).isEmpty();
    }
  }

  @Test
  void claimsPastManyLeasedRecipients_readOnlyTheRowsTheyReturn_andStillSeeNewAndDeferredOnes() throws Exception {
    try (SpoolStorage s = open()) {
      Spool spool = s.spool();
      RocksChronicleSpool rocks = (RocksChronicleSpool) spool;
      List<CompletableFuture<MessageId>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add(commitAsync(spool, 20));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      clock.advance(Duration.ofSeconds(1));
      Instant now = clock.instant();

      List<DueRecipient> oldest = spool.claimDue(now, 1500, ClaimOrder.OLDEST_DUE_FIRST);
      List<DueRecipient> newest = spool.claimDue(now, 400, ClaimOrder.NEWEST_DUE_FIRST);
      assertThat(oldest).hasSize(1500);
      assertThat(newest).hasSize(400);
      long before = rocks.dueRowsRead();
      for (int i = 0; i < 20; i++) {
        assertThat(spool.claimDue(now, 5, i % 2 == 0 ? ClaimOrder.OLDEST_DUE_FIRST : ClaimOrder.NEWEST_DUE_FIRST))
            .hasSize(5);
      }
      assertThat(spool.claimDue(now, 5, ClaimOrder.OLDEST_DUE_FIRST)).isEmpty();
      assertThat(rocks.dueRowsRead() - before).as("rows read by 21 claims past 1,900+ leased rows").isLessThan(200);

      clock.advance(Duration.ofSeconds(1));
      MessageId fresh = commit(spool, 1);
      DueRecipient deferredAgain = oldest.get(700);
      spool.settle(List.of(new Settlement(deferredAgain.ref(), new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.CONNECT_FAILED),
          Optional.empty(), Optional.empty(), deferredAgain.due())))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(spool.claimDue(clock.instant(), 10, ClaimOrder.OLDEST_DUE_FIRST))
          .extracting(DueRecipient::ref).containsExactly(deferredAgain.ref(), new org.mailward.api.RecipientRef(fresh, 0));
    }
  }

  @Test
  void dueIndex_isRebuiltOnOpen_withoutDeliveredRows_andWithDeferredOnesAtTheirNewTime() throws Exception {
    MessageId delivered;
    MessageId deferred;
    MessageId leasedOnly;
    MessageId untouched;
    Instant retryAt;
    try (SpoolStorage s = open()) {
      Spool spool = s.spool();
      delivered = commit(spool, 1);
      clock.advance(Duration.ofMillis(1)); // due order is time order, then message id
      deferred = commit(spool, 1);
      clock.advance(Duration.ofMillis(1));
      leasedOnly = commit(spool, 1);
      clock.advance(Duration.ofMillis(1));
      untouched = commit(spool, 1);
      clock.advance(Duration.ofSeconds(1));
      List<DueRecipient> claimed = spool.claimDue(clock.instant(), 3, ClaimOrder.OLDEST_DUE_FIRST);
      assertThat(ids(claimed)).containsExactly(delivered, deferred, leasedOnly);
      retryAt = clock.instant().plus(Duration.ofMinutes(5));
      spool.settle(List.of(
          new Settlement(claimed.get(0).ref(), new RecipientOutcome.Delivered(org.mailward.api.SmtpReply.of(250, "2.0.0", "ok"), null)),
          new Settlement(claimed.get(1).ref(), new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.CONNECT_FAILED), Optional.empty(),
              Optional.empty(), retryAt)))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    try (SpoolStorage s = open()) {
      Spool spool = s.spool();
      assertThat(ids(spool.claimDue(clock.instant(), 10, ClaimOrder.OLDEST_DUE_FIRST)))
          .as("a lease does not survive a restart; a delivered row does not come back")
          .containsExactly(leasedOnly, untouched);
      clock.advance(Duration.ofMinutes(5));
      List<DueRecipient> later = spool.claimDue(clock.instant(), 10, ClaimOrder.OLDEST_DUE_FIRST);
      assertThat(ids(later)).containsExactly(deferred);
      assertThat(later.get(0).due()).isEqualTo(retryAt);
      assertThat(later.get(0).attempts()).isEqualTo(1);
    }
  }
}
