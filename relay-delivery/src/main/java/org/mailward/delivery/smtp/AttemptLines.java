package org.mailward.delivery.smtp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Spool;

/**
 * Turns a settled attempt into its {@link AttemptLog} lines: the recipients of
 * each message are grouped by what they ended in (status, reason, reply, relay)
 * and each group gets one line with the timing of its attempt. Writes nothing
 * else; the agent decides the outcomes.
 */
final class AttemptLines {
  private AttemptLines() {}

  /** One line per message and group of its recipients that ended alike (same status, reason, reply and relay). */
  static void write(AttemptLog attemptLog, List<SmtpDeliveryAgent.Target> targets, List<Spool.Settlement> settled, Instant end) {
    int k = 0;
    for (SmtpDeliveryAgent.Target t : targets) {
      Map<String, List<SmtpDeliveryAgent.Rcpt>> groups = new LinkedHashMap<>();
      Map<String, RecipientOutcome> outcomes = new HashMap<>();
      for (SmtpDeliveryAgent.Rcpt r : t.rcpts) {
        RecipientOutcome o = settled.get(k++).outcome();
        String key = groupKey(o, r.relay);
        groups.computeIfAbsent(key, x -> new ArrayList<>()).add(r);
        outcomes.putIfAbsent(key, o);
      }
      groups.forEach((key, rs) -> group(attemptLog, t, rs, outcomes.get(key), end));
    }
  }

  private static String groupKey(RecipientOutcome o, String relay) {
    if (o instanceof RecipientOutcome.Delivered d) {
      return "sent|" + d.reply() + "|" + relay;
    } else if (o instanceof RecipientOutcome.Deferred d) {
      return "deferred|" + d.reason() + "|" + d.reply() + "|" + relay;
    } else if (o instanceof RecipientOutcome.Bounced b) {
      return "bounced|" + b.reason() + "|" + b.reply() + "|" + relay;
    }
    return o.getClass().getSimpleName() + "|" + relay;
  }

  private static void group(AttemptLog attemptLog, SmtpDeliveryAgent.Target t, List<SmtpDeliveryAgent.Rcpt> rs, RecipientOutcome o,
      Instant end) {
    SmtpDeliveryAgent.Rcpt first = rs.get(0);
    var env = t.item.envelope();
    AttemptLog.Timing timing = new AttemptLog.Timing(env.receivedAt(), t.started, first.connected, first.dataStarted, end);
    Optional<Throwable> error = rs.stream().map(r -> r.error).flatMap(Optional::stream).findFirst();
    if (o instanceof RecipientOutcome.Delivered d) {
      attemptLog.line(env, t.domain, first.relay, timing, AttemptLog.Status.SENT, rs.size(), t.attempt(), Optional.of(d.reply()),
          Optional.empty(), Optional.of(d.tls()), Optional.empty());
    } else if (o instanceof RecipientOutcome.Deferred d) {
      attemptLog.line(env, t.domain, first.relay, timing, AttemptLog.Status.DEFERRED, rs.size(), t.attempt(), d.reply(),
          Optional.of(d.reason()), d.tls(), error);
    } else if (o instanceof RecipientOutcome.Bounced b) {
      attemptLog.line(env, t.domain, first.relay, timing, AttemptLog.Status.BOUNCED, rs.size(), t.attempt(), b.reply(),
          Optional.of(b.reason()), b.tls(), error);
    } else if (o instanceof RecipientOutcome.HeldInPortal) {
      attemptLog.line(env, t.domain, "portal", timing, AttemptLog.Status.HELD, rs.size(), t.attempt(), Optional.empty(),
          Optional.empty(), first.lastTls, Optional.empty());
    } // Dropped is policy's decision, logged where it was made
  }

}
