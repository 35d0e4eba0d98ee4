package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditHealth;
import org.mailward.testkit.ManualClock;
import org.mailward.testkit.MemoryAuditJournal;

/**
 * The guard's bookkeeping with time moved by hand: when it says FAILING, how often it probes, what
 * it records when the journal comes back. (AuditFailureIT shows the same with a real full disk.)
 */
class AuditGuardTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = new ManualClock(T0);
  final MemoryAuditJournal memory = new MemoryAuditJournal();
  final LongAdder failures = new LongAdder();

  final AuditGuard guard = new AuditGuard(memory, clock, Duration.ofSeconds(1), failures);

  static AuditEvent event(String type) {
    return new AuditEvent(T0, type, Optional.empty(), Optional.empty(), Map.of());
  }

  @Test
  void aFailedAppend_neverThrows_isCounted_andMakesTheGuardFailing_untilAProbeSucceeds() {
    guard.append(event("a"));
    memory.failAppends(true);
    guard.append(event("b"));
    guard.append(event("c"));
    assertThat(failures.sum()).isEqualTo(2);
    assertThat(guard.health()).isEqualTo(AuditHealth.failing(T0));
    memory.failAppends(false);
    assertThat(guard.health().recording()).as("no probe before a second has passed").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(guard.health().recording()).isTrue();
    assertThat(memory.events()).extracting(AuditEvent::type).containsExactly("a", "audit.resumed");
    assertThat(memory.ofType("audit.resumed").get(0).facts()).containsEntry("lost", "2").containsEntry("failing-since", T0.toString());
  }

  @Test
  void aProbeThatFailsAgain_keepsFailing_andIsCountedButNotRecordedTwice() {
    memory.failAppends(true);
    guard.append(event("a"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(guard.health().recording()).isFalse();
    assertThat(guard.health().recording()).as("the next probe waits another second").isFalse();
    assertThat(failures.sum()).isEqualTo(2);
    memory.failAppends(false);
    guard.append(event("b")); // an ordinary append that succeeds ends the outage too
    assertThat(guard.health().recording()).isTrue();
    assertThat(memory.events()).extracting(AuditEvent::type).containsExactly("b", "audit.resumed");
  }

  @Test
  void aJournalThatReportsItsOwnFailure_isPassedThrough() {
    memory.reportHealth(AuditHealth.failing(T0.minusSeconds(5)));
    assertThat(guard.health()).isEqualTo(AuditHealth.failing(T0.minusSeconds(5)));
  }
}
