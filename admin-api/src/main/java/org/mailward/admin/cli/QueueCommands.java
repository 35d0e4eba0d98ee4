package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mailwardctl queue}: without a subcommand, the queue like {@code postqueue -p}; {@code
 * shape} like {@code qshape}; actions hold, release, retry (one message, a domain or all, like
 * {@code postqueue -f}), bounce, delete, suspend and resume a destination.
 */
@Command(name = "queue", description = "The queue like postqueue -p; subcommands: shape, hold, release, retry, bounce, delete, suspend, resume, suspended.",
    subcommands = {QueueCommands.Shape.class, QueueCommands.Hold.class, QueueCommands.Release.class, QueueCommands.Retry.class,
        QueueCommands.Bounce.class, QueueCommands.Delete.class, QueueCommands.Suspend.class, QueueCommands.Resume.class,
        QueueCommands.Suspended.class})
final class QueueCommands extends Mailwardctl.Sub {
  private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss", Locale.ROOT)
      .withZone(ZoneId.of("UTC"));

  @Option(names = "--state", description = "active, deferred or held") String state;
  @Option(names = "--domain", description = "only recipients at this destination domain") String domain;
  @Option(names = "--limit", description = "at most this many messages (default 1000)") Integer limit;

  @Override
  int call(Mailwardctl ctl, AdminClient api) {
    StringBuilder q = new StringBuilder();
    add(q, "state", state);
    add(q, "domain", domain);
    add(q, "limit", limit == null ? null : limit.toString());
    JsonNode r = api.get("/api/v1/queue" + q);
    if (ctl.printedJson(r)) {
      return 0;
    }
    if (r.path("messages").isEmpty()) {
      ctl.out.println("Mail queue is empty");
      return 0;
    }
    ctl.out.printf("%-26s %8s %-19s  %s%n", "-Queue ID-", "--Size--", "----Arrival Time---", "-Tenant/Recipient-------");
    long bytes = 0;
    int count = 0;
    for (JsonNode m : r.path("messages")) {
      bytes += m.path("sizeBytes").asLong();
      count++;
      ctl.out.printf("%-26s %8d %-19s  tenant=%s level=%s%n", m.path("id").asText(), m.path("sizeBytes").asLong(),
          ARRIVAL.format(Instant.parse(m.path("arrived").asText())), m.path("tenant").asText(), m.path("level").asText());
      for (JsonNode rc : m.path("recipients")) {
        if (rc.has("lastReply")) {
          ctl.out.printf("%57s(%s)%n", "", rc.path("lastReply").asText());
        }
        ctl.out.printf("%57s%s  %s  attempts=%d%n", "", rc.path("address").asText(), rc.path("state").asText(),
            rc.path("attempts").asInt());
      }
      ctl.out.println();
    }
    ctl.out.printf("-- %d Kbytes in %d Request%s.%n", (bytes + 1023) / 1024, count, count == 1 ? "" : "s");
    return 0;
  }

  static void add(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append(q.length() == 0 ? "?" : "&").append(name).append('=').append(AdminClient.enc(value));
    }
  }

  static void action(Mailwardctl ctl, JsonNode r) {
    if (!ctl.printedJson(r)) {
      ctl.out.println(r.path("action").asText() + ": " + r.path("recipients").asInt() + " recipient(s)");
    }
  }

  @Command(name = "shape", description = "Recipients by destination domain and age (minutes), like qshape.")
  static final class Shape extends Mailwardctl.Sub {
    @Option(names = "--buckets", description = "age bucket bounds, e.g. 5m,1h,4h,1d") String buckets;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      StringBuilder q = new StringBuilder();
      add(q, "buckets", buckets);
      JsonNode r = api.get("/api/v1/queue/shape" + q);
      if (ctl.printedJson(r)) {
        return 0;
      }
      StringBuilder head = new StringBuilder(String.format("%30s %6s", "", "T"));
      String last = "";
      for (JsonNode b : r.path("buckets")) {
        last = label(b.asText());
        head.append(String.format(" %6s", last));
      }
      head.append(String.format(" %6s", last + "+"));
      ctl.out.println(head);
      int n = r.path("buckets").size() + 1;
      long[] totals = new long[n];
      long total = 0;
      for (JsonNode d : r.path("destinations")) {
        total += d.path("total").asLong();
        for (int i = 0; i < n; i++) {
          totals[i] += d.path("counts").path(i).asLong();
        }
      }
      StringBuilder tl = new StringBuilder(String.format("%30s %6d", "TOTAL", total));
      for (long t : totals) {
        tl.append(String.format(" %6d", t));
      }
      ctl.out.println(tl);
      for (JsonNode d : r.path("destinations")) {
        StringBuilder l = new StringBuilder(String.format("%30s %6d", d.path("domain").asText(), d.path("total").asLong()));
        d.path("counts").forEach(c -> l.append(String.format(" %6d", c.asLong())));
        ctl.out.println(l);
      }
      return 0;
    }

    /** PT5M → 5, PT1H → 60: minutes, as qshape prints them. */
    static String label(String iso) {
      return Long.toString(java.time.Duration.parse(iso).toMinutes());
    }
  }

  abstract static class OnMessage extends Mailwardctl.Sub {
    @Parameters(index = "0", description = "queue id") String id;

    /** The action's path segment; empty for delete. */
    abstract String action();

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      String path = "/api/v1/queue/messages/" + AdminClient.enc(id);
      QueueCommands.action(ctl, action().isEmpty() ? api.delete(path) : api.post(path + "/" + action(), null));
      return 0;
    }
  }

  @Command(name = "hold", description = "Hold a message (like postsuper -h).")
  static final class Hold extends OnMessage {
    @Override
    String action() {
      return "hold";
    }
  }

  @Command(name = "release", description = "Release a held message (like postsuper -H).")
  static final class Release extends OnMessage {
    @Override
    String action() {
      return "release";
    }
  }

  @Command(name = "bounce", description = "Bounce every unfinished recipient of a message.")
  static final class Bounce extends OnMessage {
    @Override
    String action() {
      return "bounce";
    }
  }

  @Command(name = "delete", description = "Delete a message without a DSN (like postsuper -d).")
  static final class Delete extends OnMessage {
    @Override
    String action() {
      return "";
    }
  }

  @Command(name = "retry", description = "Retry deferred recipients now: a message, --domain D or --all (like postqueue -f).")
  static final class Retry extends Mailwardctl.Sub {
    @ArgGroup(exclusive = true, multiplicity = "1") Which which;

    static final class Which {
      @Parameters(index = "0", description = "queue id") String id;
      @Option(names = "--domain") String domain;
      @Option(names = "--all") boolean all;
    }

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = which.id != null ? api.post("/api/v1/queue/messages/" + AdminClient.enc(which.id) + "/retry", null)
          : api.post("/api/v1/queue/retry" + (which.domain != null ? "?domain=" + AdminClient.enc(which.domain) : ""), null);
      action(ctl, r);
      return 0;
    }
  }

  @Command(name = "suspend", description = "Stop delivering to a destination domain until resumed.")
  static final class Suspend extends Mailwardctl.Sub {
    @Parameters(index = "0") String domain;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.post("/api/v1/queue/domains/" + AdminClient.enc(domain) + "/suspend", null);
      if (!ctl.printedJson(r)) {
        ctl.out.println("suspended " + domain);
      }
      return 0;
    }
  }

  @Command(name = "resume", description = "Resume delivering to a destination domain.")
  static final class Resume extends Mailwardctl.Sub {
    @Parameters(index = "0") String domain;

    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.post("/api/v1/queue/domains/" + AdminClient.enc(domain) + "/resume", null);
      if (!ctl.printedJson(r)) {
        ctl.out.println("resumed " + domain);
      }
      return 0;
    }
  }

  @Command(name = "suspended", description = "List suspended destination domains.")
  static final class Suspended extends Mailwardctl.Sub {
    @Override
    int call(Mailwardctl ctl, AdminClient api) {
      JsonNode r = api.get("/api/v1/queue/suspended");
      if (!ctl.printedJson(r)) {
        r.path("domains").forEach(d -> ctl.out.println(d.asText()));
      }
      return 0;
    }
  }
}
