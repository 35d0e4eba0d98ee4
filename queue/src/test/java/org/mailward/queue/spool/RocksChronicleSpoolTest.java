package org.mailward.queue.spool;

import org.mailward.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailward.queue.spool.SpoolFixtures.body;
import static org.mailward.queue.spool.SpoolFixtures.envelope;
import static org.mailward.queue.spool.SpoolFixtures.readAll;
import static org.mailward.queue.spool.SpoolFixtures.writeChunks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.DeliveryFailure;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Spool;
import org.mailward.api.Spool.Settlement;
import org.mailward.api.SmtpReply;
import org.mailward.queue.SpoolConfig;

class RocksChronicleSpoolTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();
  private final Random chunks = new Random(7);

  private SpoolStorage open(Clock clock) {
    return RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(4096, 256L << 20, 0), clock);
  }

  private MessageId commit(Spool spool, Clock clock, byte[] bodyBytes, int recipients) throws Exception {
    MessageId id = MessageId.generate(clock.millis(), random);
    MessageWriter w = spool.begin(id);
    writeChunks(w, bodyBytes, chunks);
    w.commit(envelope(id, recipients), List.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return id;
  }

  private static RecipientOutcome delivered() {
    return new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "ok"), null);
  }

  @Test
  void committedMessage_survivesReopen_withItsEnvelopeAndExactBody() throws Exception {
    Clock clock = Clock.systemUTC();
    byte[] big = body(1, 150_000);
    byte[] empty = new byte[0];
    MessageId a;
    MessageId b;
    try (SpoolStorage s = open(clock)) {
      a = commit(s.spool(), clock, big, 3);
      b = commit(s.spool(), clock, empty, 1);
    }
    try (SpoolStorage s = open(clock)) {
      assertThat(s.spool().envelope(a)).hasValueSatisfying(e -> assertThat(e.recipients()).hasSize(3));
      assertThat(s.spool().envelope(a).get()).isEqualTo(envelope(a, 3));
      assertThat(s.spool().body(a).get().size()).isEqualTo(big.length);
      assertThat(readAll(s.spool().body(a).get())).isEqualTo(big);
      assertThat(readAll(s.spool().body(b).get())).isEmpty();
      assertThat(s.spool().stats().messages()).isEqualTo(2);
      assertThat(s.spool().stats().active()).isEqualTo(4);
    }
  }

  @Test
  void bodyFilesOnDisk_holdNoPlaintext() throws Exception {
    Clock clock = Clock.systemUTC();
    try (SpoolStorage s = open(clock)) {
      commit(s.spool(), clock, body(42, 70_000), 1);
    }
    byte[] marker = "PLAINTEXT-MARKER-42".getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), marker)).as(f.toString()).isEqualTo(-1);
      }
    }
  }

  @Test
  void abortedMessage_leavesNothingBehind() throws Exception {
    Clock clock = Clock.systemUTC();
    MessageId id = MessageId.generate(clock.millis(), random);
    try (SpoolStorage s = open(clock)) {
      MessageWriter w = s.spool().begin(id);
      w.write(ByteBuffer.wrap(body(3, 50_000)));
      w.abort();
      w.abort();
      commit(s.spool(), clock, body(4, 10), 1); // flush a group after the abort
    }
    try (SpoolStorage s = open(clock)) {
      assertThat(s.spool().envelope(id)).isEmpty();
      assertThat(s.spool().body(id)).isEmpty();
      assertThat(s.spool().stats().messages()).isEqualTo(1);
    }
  }

  @Test
  void commitWithAnotherMessagesEnvelope_isRefused() {
    Clock clock = Clock.systemUTC();
    try (SpoolStorage s = open(clock)) {
      MessageWriter w = s.spool().begin(MessageId.generate(clock.millis(), random));
      Envelope other = envelope(MessageId.generate(clock.millis(), random), 1);
      assertThatThrownBy(() -> w.commit(other, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void dueRecipient_isLeasedOnce_untilSettled_andDeferredComesBackAtItsRetryTime() throws Exception {
    var clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));
    try (SpoolStorage s = open(clock)) {
      Spool spool = s.spool();
      MessageId id = commit(spool, clock, body(5, 100), 2);
      List<Spool.DueRecipient> due = spool.claimDue(clock.instant(), 10);
      assertThat(due).extracting(d -> d.ref().index()).containsExactly(0, 1);
      assertThat(due.get(0).domain()).isEqualTo("clinic0.test");
      assertThat(due.get(0).attempts()).isZero();
      assertThat(spool.claimDue(clock.instant(), 10)).isEmpty();

      Instant retry = clock.instant().plusSeconds(300);
      spool.settle(List.of(new Settlement(due.get(0).ref(), delivered()),
          new Settlement(due.get(1).ref(), new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.CONNECT_FAILED), Optional.empty(), Optional.empty(), retry))))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(spool.claimDue(clock.instant(), 10)).isEmpty();
      assertThat(spool.stats().deferred()).isEqualTo(1);
      assertThat(spool.stats().delivered()).isEqualTo(1);

      clock.advance(Duration.ofSeconds(300));
      List<Spool.DueRecipient> again = spool.claimDue(clock.instant(), 10);
      assertThat(again).singleElement().satisfies(d -> {
        assertThat(d.ref().messageId()).isEqualTo(id);
        assertThat(d.ref().index()).isEqualTo(1);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.due()).isEqualTo(retry);
      });
    }
  }

  @Test
  void leasedButUnsettledRecipients_areDueAgainAfterRestart() throws Exception {
    Clock clock = Clock.systemUTC();
    MessageId id;
    try (SpoolStorage s = open(clock)) {
      id = commit(s.spool(), clock, body(6, 100), 1);
      assertThat(s.spool().claimDue(clock.instant(), 10)).hasSize(1);
    }
    try (SpoolStorage s = open(clock)) {
      assertThat(s.spool().claimDue(clock.instant(), 10)).extracting(d -> d.ref().messageId()).containsExactly(id);
    }
  }

  @Test
  void messageWhoseRecipientsAreAllFinal_isDeletedWithItsDataKey() throws Exception {
    Clock clock = Clock.systemUTC();
    try (SpoolStorage s = open(clock)) {
      Spool spool = s.spool();
      MessageId id = commit(spool, clock, body(8, 1000), 2);
      List<Spool.DueRecipient> due = spool.claimDue(clock.instant(), 10);
      spool.settle(List.of(new Settlement(due.get(0).ref(), delivered()))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(spool.body(id)).isPresent();
      spool.settle(List.of(new Settlement(due.get(1).ref(),
          new RecipientOutcome.Bounced(DeliveryFailure.of(DeliveryFailure.Kind.REMOTE_5XX, "5.1.1"), Optional.empty(), Optional.empty())))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(spool.envelope(id)).isEmpty();
      assertThat(spool.body(id)).isEmpty();
      assertThat(spool.stats().messages()).isZero();
      assertThat(spool.stats().active()).isZero();
      SpoolFixtures.await(() -> !s.audit().query(Instant.EPOCH, Instant.MAX, Optional.of(id), 10).isEmpty(), "audit record");
      assertThat(s.audit().query(Instant.EPOCH, Instant.MAX, Optional.of(id), 10))
          .singleElement().satisfies(r -> assertThat(r.event().type()).isEqualTo("message.finished"));
    }
  }

  @Test
  void recipientCounts_ofFinishedMessages_surviveRestarts() throws Exception {
    var clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));
    MessageId pending;
    try (SpoolStorage s = open(clock)) {
      Spool spool = s.spool();
      MessageId done = commit(spool, clock, body(10, 100), 3);
      pending = commit(spool, clock, body(11, 100), 1);
      List<Spool.DueRecipient> due = spool.claimDue(clock.instant(), 10);
      List<Settlement> outcomes = new ArrayList<>();
      for (Spool.DueRecipient d : due) {
        RecipientOutcome o = d.ref().messageId().equals(pending)
            ? new RecipientOutcome.Deferred(DeliveryFailure.of(DeliveryFailure.Kind.CONNECT_FAILED), Optional.empty(), Optional.empty(), clock.instant().plusSeconds(60))
            : d.ref().index() == 2 ? new RecipientOutcome.Bounced(DeliveryFailure.of(DeliveryFailure.Kind.REMOTE_5XX, "5.1.1"), Optional.empty(), Optional.empty()) : delivered();
        outcomes.add(new Settlement(d.ref(), o));
      }
      spool.settle(outcomes).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(spool.envelope(done)).as("finished and deleted").isEmpty();
      assertThat(spool.stats()).isEqualTo(new Spool.SpoolStats(1, 1, 1, 2, 1, 0));
    }
    try (SpoolStorage s = open(clock)) {
      assertThat(s.spool().stats()).isEqualTo(new Spool.SpoolStats(1, 1, 1, 2, 1, 0));
      clock.advance(Duration.ofSeconds(60));
      Spool.DueRecipient again = s.spool().claimDue(clock.instant(), 10).get(0);
      s.spool().settle(List.of(new Settlement(again.ref(), new RecipientOutcome.HeldInPortal("p-1",
          clock.instant().plusSeconds(3600))))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    try (SpoolStorage s = open(clock)) {
      assertThat(s.spool().envelope(pending)).isEmpty();
      assertThat(s.spool().stats()).isEqualTo(new Spool.SpoolStats(0, 0, 0, 2, 1, 1));
    }
  }

  @Test
  void presettledRecipients_areNeverDue() throws Exception {
    Clock clock = Clock.systemUTC();
    try (SpoolStorage s = open(clock)) {
      MessageId id = MessageId.generate(clock.millis(), random);
      MessageWriter w = s.spool().begin(id);
      w.write(ByteBuffer.wrap(body(9, 10)));
      w.commit(envelope(id, 2), List.of(new Settlement(new org.mailward.api.RecipientRef(id, 0),
          new RecipientOutcome.Dropped("phi.ssn")))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(s.spool().claimDue(clock.instant(), 10)).extracting(d -> d.ref().index()).containsExactly(1);
    }
  }

  @Test
  void concurrentCommits_shareGroupSyncs_andAllArrive() throws Exception {
    Clock clock = Clock.systemUTC();
    int threads = 8;
    int each = 50;
    List<MessageId> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    try (SpoolStorage s = open(clock)) {
      List<CompletableFuture<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        Thread th = new Thread(() -> {
          for (int i = 0; i < each; i++) {
            MessageId id = MessageId.generate(clock.millis(), random);
            MessageWriter w = s.spool().begin(id);
            w.write(ByteBuffer.wrap(body(seed * 1000L + i, 2000)));
            all.add(w.commit(envelope(id, 1), List.of()).toCompletableFuture());
            ids.add(id);
          }
        });
        th.start();
        ts.add(th);
      }
      for (Thread t : ts) {
        t.join();
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(s.spool().stats().messages()).isEqualTo(threads * each);
      assertThat(s.spool().health().pendingCommits()).isZero();
      assertThat(((RocksChronicleSpool) s.spool()).groupSyncs()).isLessThan(threads * each);
    }
    try (SpoolStorage s = open(clock)) {
      for (MessageId id : ids) {
        assertThat(s.spool().envelope(id)).isPresent();
      }
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
