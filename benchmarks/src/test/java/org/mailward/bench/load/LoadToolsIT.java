package org.mailward.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load injector against the counting sink over real STARTTLS on
 * 127.0.0.1: every message the injector saw accepted is one the sink counted.
 * Counts only; no timing assertions.
 */
class LoadToolsIT {

  private static InjectorConfig config(int port, long count, int connections, int perConnection, int recipients, boolean pipelining) {
    return new InjectorConfig("127.0.0.1", port, true, "", "", connections, perConnection, count, Duration.ZERO, 8 * 1024, 0,
        recipients, "news@clinic.example", "patients.example", 1000, 0, "injector.test", Duration.ofSeconds(30), pipelining, 0);
  }

  @Test
  void injectorToSink_overStartTls_everyAcceptedMessageIsCountedOnceBySink() throws Exception {
    try (SmtpSink sink = SmtpSink.start(SinkConfig.loopback(true))) {
      Map<String, Object> r = new SmtpInjector(config(sink.port(), 300, 4, 50, 2, true)).run();

      assertThat(r.get("accepted")).isEqualTo(300L);
      assertThat(r.get("errors")).isEqualTo(0L);
      assertThat(r.get("tempFailed")).isEqualTo(0L);
      assertThat(sink.stats().messages.sum()).isEqualTo(300);
      assertThat(sink.stats().recipients.sum()).isEqualTo(600);
      assertThat(sink.stats().bytes.sum()).isGreaterThan(300L * 8 * 1024 * 9 / 10);
      // 300 messages at 50 per connection: at least 6 connections (a reconnect racing the last claims may find
      // the budget spent and just QUIT), every one upgraded to TLS on both sides
      long opened = (long) r.get("connectionsOpened");
      assertThat(opened).isGreaterThanOrEqualTo(6L);
      assertThat(r.get("tlsSessions")).isEqualTo(opened);
      assertThat(sink.stats().tlsSessions.sum()).isEqualTo(opened);
      assertThat((long[]) r.get("perSecond")).matches(s -> java.util.Arrays.stream(s).sum() == 300);
    }
  }

  @Test
  void injectorWithoutPipelining_stepsThroughEachCommand_andStillDeliversAll() throws Exception {
    try (SmtpSink sink = SmtpSink.start(SinkConfig.loopback(true))) {
      Map<String, Object> r = new SmtpInjector(config(sink.port(), 120, 3, 40, 3, false)).run();

      assertThat(r.get("accepted")).isEqualTo(120L);
      assertThat(sink.stats().messages.sum()).isEqualTo(120);
      assertThat(sink.stats().recipients.sum()).isEqualTo(360);
    }
  }

  @Test
  void pacedRun_stillDeliversEveryMessage_andReportsItsTargetRate() throws Exception {
    try (SmtpSink sink = SmtpSink.start(SinkConfig.loopback(true))) {
      InjectorConfig b = config(sink.port(), 60, 2, 30, 1, true);
      InjectorConfig paced = new InjectorConfig(b.host(), b.port(), true, "", "", 2, 30, 60, Duration.ZERO, 4096, 0, 1, b.sender(),
          b.recipientDomain(), 1000, 0, b.ehloName(), b.replyTimeout(), true, 200);
      Map<String, Object> r = new SmtpInjector(paced).run();

      assertThat(r.get("accepted")).isEqualTo(60L);
      assertThat(r.get("targetRate")).isEqualTo(200.0);
      assertThat(sink.stats().messages.sum()).isEqualTo(60);
    }
  }

  @Test
  void refusingSink_turnsEveryMessageInto_a4xx_andCountsNothing() throws Exception {
    try (SmtpSink sink = SmtpSink.start(SinkConfig.loopback(true))) {
      sink.refuse(true);
      Map<String, Object> r = new SmtpInjector(config(sink.port(), 50, 2, 25, 1, true)).run();

      assertThat(r.get("accepted")).isEqualTo(0L);
      assertThat(r.get("tempFailed")).isEqualTo(50L);
      assertThat(r.get("recipientsRefused")).isEqualTo(50L);
      assertThat(sink.stats().messages.sum()).isZero();
      assertThat(sink.stats().refusedRecipients.sum()).isEqualTo(50);

      sink.refuse(false);
      Map<String, Object> again = new SmtpInjector(config(sink.port(), 20, 2, 10, 1, true)).run();
      assertThat(again.get("accepted")).isEqualTo(20L);
      assertThat(sink.stats().messages.sum()).isEqualTo(20);
    }
  }

  @Test
  void idleSessions_areHeldOpenWhileOthersSend() throws Exception {
    try (SmtpSink sink = SmtpSink.start(SinkConfig.loopback(true))) {
      InjectorConfig base = config(sink.port(), 40, 2, 20, 1, true);
      InjectorConfig withIdle = new InjectorConfig(base.host(), base.port(), true, "", "", 2, 20, 40, Duration.ZERO, 4096, 0, 1,
          base.sender(), base.recipientDomain(), 1000, 30, base.ehloName(), base.replyTimeout(), true, 0);
      Map<String, Object> r = new SmtpInjector(withIdle).run();

      assertThat(r.get("idleReady")).isEqualTo(30L);
      assertThat(r.get("accepted")).isEqualTo(40L);
      // the 30 idle sessions plus the senders' connections: 2, or 3 when one sender reconnects after its
      // 20 messages just before the other has sent its last (the 40 are shared)
      assertThat((Long) r.get("connectionsOpened")).isBetween(2L, 3L);
      assertThat(sink.stats().connections.sum()).isEqualTo(30 + (Long) r.get("connectionsOpened"));
    }
  }
}
