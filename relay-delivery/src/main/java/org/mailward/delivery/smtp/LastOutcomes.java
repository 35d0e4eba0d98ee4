package org.mailward.delivery.smtp;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.api.Destinations.LastOutcome;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.Spool;

/**
 * The last attempt's outcome per destination domain on this node, for operators asking what
 * Mailward believes about a destination. One map write per batch (not per recipient); bounded: past
 * {@value #MAX_DOMAINS} domains an arbitrary older entry is dropped, since this is a hint and not a
 * record (the audit journal is the record). Holds no address: result, typed reason and MX host only.
 */
public final class LastOutcomes {
  static final int MAX_DOMAINS = 10_000;
  private final Map<String, LastOutcome> byDomain = new ConcurrentHashMap<>();

  public Optional<LastOutcome> of(String domain) {
    return Optional.ofNullable(byDomain.get(domain));
  }

  void record(List<SmtpDeliveryAgent.Target> targets, List<Spool.Settlement> settled, Instant end) {
    if (targets.isEmpty()) {
      return;
    }
    String domain = targets.get(0).domain;
    RecipientOutcome last = settled.isEmpty() ? null : settled.get(settled.size() - 1).outcome();
    String mx = "none";
    for (SmtpDeliveryAgent.Target t : targets) {
      for (SmtpDeliveryAgent.Rcpt r : t.rcpts) {
        if (last == null && r.outcome != null) {
          last = r.outcome;
        }
        if (!"none".equals(r.relay)) {
          mx = r.relay;
        }
      }
    }
    if (last == null) {
      return;
    }
    if (byDomain.size() >= MAX_DOMAINS && !byDomain.containsKey(domain)) {
      byDomain.keySet().stream().findAny().ifPresent(byDomain::remove);
    }
    byDomain.put(domain, new LastOutcome(end, result(last), reason(last), mx));
  }

  static String result(RecipientOutcome o) {
    if (o instanceof RecipientOutcome.Delivered) {
      return "delivered";
    } else if (o instanceof RecipientOutcome.Deferred) {
      return "deferred";
    } else if (o instanceof RecipientOutcome.Bounced) {
      return "bounced";
    } else if (o instanceof RecipientOutcome.HeldInPortal) {
      return "held-in-portal";
    }
    return "dropped";
  }

  static String reason(RecipientOutcome o) {
    if (o instanceof RecipientOutcome.Delivered d) {
      return d.reply().status() + " " + d.tls().tlsVersion().orElse("?") + (d.tls().verified() ? " verified" : " unverified");
    } else if (o instanceof RecipientOutcome.Deferred d) {
      return d.reason().label() + d.reply().map(r -> " " + r.code() + " " + r.status()).orElse("");
    } else if (o instanceof RecipientOutcome.Bounced b) {
      return b.reason().label() + b.reply().map(r -> " " + r.code() + " " + r.status()).orElse("");
    }
    return "";
  }
}
