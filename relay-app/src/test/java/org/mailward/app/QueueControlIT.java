package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.testkit.Receiver;
import org.mailward.testkit.SmtpTestClient;
import org.mailward.testkit.TestCa;

/**
 * Queue control end to end, as an operator meets a stuck destination: a real receiver for
 * {@code patients.test} answers 451 to every DATA, so six messages (two recipients each) fill the
 * deferred queue of a relay running in its own JVM. {@code mailwardctl queue} lists them and
 * {@code queue shape} shows them by domain and age; then, through mailwardctl with an operator
 * token: hold one message, hold and release another, retry a third now, bounce a fourth (its
 * sender's DSN waits in the queue because the sender's domain is suspended), delete a fifth, and
 * leave the sixth alone. The relay is killed with SIGKILL right after and restarted: every action
 * still holds, and each is in the audit journal ({@code mailwardctl audit query}). Then the DSN
 * reaches a receiver for the sender's domain, the destination recovers, and every (message,
 * recipient) pair is counted where it arrived: delivered exactly once unless bounced or deleted
 * (never), one DSN for the bounced message, listing both recipients, none for the deleted one.
 * Nothing waits for a time: the receiver accepts nothing until released, retries are an hour
 * away unless an operator asks, and every wait polls a condition under a deadline.
 */
class QueueControlIT {
  private static final int MESSAGES = 6;
  private static final int HOLD = 0;
  private static final int RELEASE = 1;
  private static final int RETRY = 2;
  private static final int BOUNCE = 3;
  private static final int DELETE = 4;
  private static final int UNTOUCHED = 5;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;
  private String url;

  @Test
  void aStuckDestination_isReadHeldReleasedRetriedBouncedAndDeletedThroughMailwardctl_andEachActionSurvivesKill9AndIsAudited()
      throws Exception {
    TestCa ca = TestCa.create("queue-ca");
    int smtpPort = TestRelays.freePort();
    int adminPort = TestRelays.freePort();
    try (Receiver patients = Receiver.start(dir, "127.0.0.3", Optional.of(ca.issue("127.0.0.3")), "tempfail-until-released");
        Receiver clinic = Receiver.start(dir, "127.0.0.4", Optional.of(ca.issue("127.0.0.4")), "ok")) {
      Path config = TestRelays.write(dir, smtpPort, "transactional", "", """
          delivery:
            routes:
              patients.test: "[127.0.0.3]:%d"
              clinic.example: "[127.0.0.4]:%d"
            retry:
              initialBackoff: 1h
              maxBackoff: 4h
              jitter: 0.0
            limits:
              pollInterval: 50ms
            dane:
              enabled: false
            mtaSts:
              enabled: false
          """.formatted(patients.port(), clinic.port()), "");
      String yaml = Files.readString(config);
      assertThat(yaml).contains("admin:\n  port: 0\n");
      Files.writeString(config, yaml.replace("admin:\n  port: 0\n", "admin:\n  port: " + adminPort + "\n"));
      url = "http://127.0.0.1:" + adminPort;

      RelayProcess relay = RelayProcess.start(config);
      try {
        String admin = AdminHttp.printedToken(relay.output());
        String operator = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC())
            .create(Role.OPERATOR, Optional.empty()).token();
        send(smtpPort);

        // the destination answers 451: every message is tried once and waits an hour for its retry
        await("all 12 recipients refused with 451", () -> tempfailed(patients).size() == 2 * MESSAGES);
        await("all recipients deferred after one attempt", () -> deferredOnce(queue(admin)) == 2 * MESSAGES);
        Map<Integer, String> ids = idsByMessage(queue(admin));
        assertThat(ids).hasSize(MESSAGES);

        CtlRun listing = ctl(admin, "queue");
        assertThat(listing.code()).isZero();
        ids.values().forEach(id -> assertThat(listing.out()).contains(id));
        assertThat(listing.out()).contains("p0a@patients.test  deferred  attempts=1").contains("451 4.3.0")
            .contains("in 6 Requests.");
        CtlRun shape = ctl(admin, "queue", "shape", "--buckets", "1h,1d");
        assertThat(shape.out()).as("qshape: all 12 recipients of patients.test younger than an hour")
            .containsPattern(" +T +60 +1440 +1440\\+\n").containsPattern("patients\\.test +12 +12 +0 +0\n");
        CtlRun masked = ctl(operator, "queue", "--domain", "patients.test");
        assertThat(masked.out()).contains("***@patients.test").doesNotContain("p0a@");

        // the actions, as an operator
        assertThat(ctl(operator, "queue", "suspend", "clinic.example").out()).contains("suspended clinic.example");
        assertThat(ctl(operator, "queue", "hold", ids.get(HOLD)).out()).contains("hold: 2 recipient(s)");
        assertThat(ctl(operator, "queue", "hold", ids.get(RELEASE)).out()).contains("hold: 2 recipient(s)");
        assertThat(ctl(operator, "queue", "release", ids.get(RELEASE)).out()).contains("release: 2 recipient(s)");
        assertThat(ctl(operator, "queue", "retry", ids.get(RETRY)).out()).contains("retry: 2 recipient(s)");
        assertThat(ctl(operator, "queue", "bounce", ids.get(BOUNCE)).out()).contains("bounce: 2 recipient(s)");
        assertThat(ctl(operator, "queue", "delete", ids.get(DELETE)).out()).contains("delete: 2 recipient(s)");
        JsonNode dsnQueued = ctl(admin, "--json", "queue", "--domain", "clinic.example").json();
        assertThat(dsnQueued.path("messages")).as("the bounce's DSN waits for the suspended sender domain").hasSize(1);
        String dsnId = dsnQueued.path("messages").get(0).path("id").asText();
        // the audit records are written (not only taken) before the kill: kill -9 then keeps them
        await("the actions in the audit journal", () -> auditedActions(admin).size() >= 7);

        String log = relay.output();
        assertThat(log.split("operator bounce of message " + ids.get(BOUNCE), -1)).as("the bounce logged once").hasSize(2);
        assertThat(log).contains("DSN " + dsnId).doesNotContain("@patients.test").doesNotContain(TestRelays.SENDER);
        relay.kill9();
        relay = RelayProcess.start(config);

        // after the kill: each action still holds
        JsonNode after = queue(admin);
        assertThat(message(after, ids.get(BOUNCE))).as("bounced: gone").isEmpty();
        assertThat(message(after, ids.get(DELETE))).as("deleted: gone").isEmpty();
        assertThat(states(message(after, ids.get(HOLD)).orElseThrow())).containsOnly("held");
        assertThat(ctl(admin, "queue", "suspended").out()).contains("clinic.example");
        assertThat(message(queue(admin), dsnId)).as("the DSN is still queued").isPresent();
        await("released and retried messages tried again (before or after the kill)", () -> {
          JsonNode q = queue(admin);
          return attempts(q, ids.get(RELEASE)) == 2 && attempts(q, ids.get(RETRY)) == 2;
        });
        JsonNode untouched = message(queue(admin), ids.get(UNTOUCHED)).orElseThrow();
        assertThat(attempts(queue(admin), ids.get(UNTOUCHED))).as("nothing retried the untouched message").isEqualTo(1);
        assertThat(Instant.parse(untouched.path("recipients").get(0).path("nextAttempt").asText()))
            .isAfter(Instant.now().plus(Duration.ofMinutes(30)));
        assertThat(attempts(queue(admin), ids.get(HOLD))).as("held: not tried again").isEqualTo(1);

        // each action is in the audit journal, by message id, with the operator's token and no address
        Map<String, String> actions = auditedActions(admin);
        assertThat(actions).containsEntry(ids.get(HOLD) + ":hold", "2").containsEntry(ids.get(RELEASE) + ":hold", "2")
            .containsEntry(ids.get(RELEASE) + ":release", "2").containsEntry(ids.get(RETRY) + ":retry", "2")
            .containsEntry(ids.get(BOUNCE) + ":bounce", "2").containsEntry(ids.get(DELETE) + ":delete", "2")
            .containsEntry("-:suspend", "clinic.example");
        CtlRun dsnAudit = ctl(admin, "--json", "audit", "query", "--type", "queue.bounce.dsn");
        JsonNode dsnRecord = dsnAudit.json().path("records").get(0);
        assertThat(dsnRecord.path("messageId").asText()).isEqualTo(ids.get(BOUNCE));
        assertThat(dsnRecord.path("facts").path("dsn").asText()).isEqualTo(dsnId);
        for (String type : List.of("admin.queue", "queue.bounce.dsn")) {
          assertThat(ctl(admin, "audit", "query", "--type", type).out()).as("no address in " + type)
              .contains(ids.get(BOUNCE)).doesNotContain("@patients.test").doesNotContain(TestRelays.SENDER);
        }

        // the DSN reaches the sender's domain once it is resumed
        assertThat(ctl(operator, "queue", "resume", "clinic.example").code()).isZero();
        await("the DSN delivered", () -> messages(clinic).size() == 1);
        String dsn = messages(clinic).get(0);
        assertThat(dsn).contains("X-Test-Rcpt: news@clinic.example").contains("X-Test-Mail-From: <>\r\n")
            .contains("report-type=delivery-status").contains("Your message " + ids.get(BOUNCE))
            .contains("Final-Recipient: rfc822; p3a@patients.test\r\nAction: failed\r\nStatus: 5.0.0")
            .contains("Final-Recipient: rfc822; p3b@patients.test\r\nAction: failed\r\nStatus: 5.0.0")
            .contains("Diagnostic-Code: X-Mailward; bounced by operator");

        // the destination recovers: retry everything now (the held message stays held), then release it
        patients.release();
        assertThat(ctl(operator, "queue", "retry", "--all").out()).contains("retry: 6 recipient(s)");
        await("retried messages delivered", () -> delivered(patients).size() == 6);
        assertThat(states(message(queue(admin), ids.get(HOLD)).orElseThrow())).containsOnly("held");
        assertThat(ctl(operator, "queue", "release", ids.get(HOLD)).out()).contains("release: 2 recipient(s)");
        await("the held message delivered after its release", () -> delivered(patients).size() == 8);
        await("the queue empty", () -> ctl(admin, "queue").out().contains("Mail queue is empty"));

        // outcomes per (message, recipient)
        Map<String, Integer> expected = new TreeMap<>();
        for (int m : List.of(HOLD, RELEASE, RETRY, UNTOUCHED)) {
          expected.put(m + ":p" + m + "a@patients.test", 1);
          expected.put(m + ":p" + m + "b@patients.test", 1);
        }
        assertThat(delivered(patients)).as("deliveries per (message, recipient)").isEqualTo(expected);
        assertThat(messages(clinic)).as("exactly one DSN, for the bounced message only").hasSize(1);
      } finally {
        relay.stop();
      }
    }
  }

  private static void send(int smtpPort) throws IOException {
    try (SmtpTestClient c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", smtpPort))) {
      assertThat(c.startTlsAndLogin("esp.test", TestRelays.USER, TestRelays.PASSWORD).code()).isEqualTo(235);
      for (int i = 0; i < MESSAGES; i++) {
        assertThat(c.command("MAIL FROM:<" + TestRelays.SENDER + ">").code()).isEqualTo(250);
        assertThat(c.command("RCPT TO:<p" + i + "a@patients.test>").code()).isEqualTo(250);
        assertThat(c.command("RCPT TO:<p" + i + "b@patients.test>").code()).isEqualTo(250);
        assertThat(c.command("DATA").code()).isEqualTo(354);
        assertThat(c.command("Subject: reminder " + i + "\r\n\r\ntoken-" + i + "-end\r\n.").code()).isEqualTo(250);
      }
      c.command("QUIT");
    }
  }

  private CtlRun ctl(String token, String... args) {
    return CtlRun.of(url, token, args);
  }

  private JsonNode queue(String admin) {
    return ctl(admin, "--json", "queue").json();
  }

  /** The {@code admin.queue} records as "messageId:action" (or "-:action") → recipients (or the domain). */
  private Map<String, String> auditedActions(String admin) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode r : ctl(admin, "--json", "audit", "query", "--type", "admin.queue").json().path("records")) {
      JsonNode f = r.path("facts");
      assertThat(f.path("actor").asText()).startsWith("token:");
      out.put(r.path("messageId").asText("-") + ":" + f.path("action").asText(),
          f.has("recipients") ? f.path("recipients").asText() : f.path("domain").asText());
    }
    return out;
  }

  private static long deferredOnce(JsonNode queue) {
    long n = 0;
    for (JsonNode m : queue.path("messages")) {
      for (JsonNode r : m.path("recipients")) {
        if (r.path("state").asText().equals("deferred") && r.path("attempts").asInt() == 1) {
          n++;
        }
      }
    }
    return n;
  }

  /** Message index (from the recipient p{i}a) → queue id. */
  private static Map<Integer, String> idsByMessage(JsonNode queue) {
    Map<Integer, String> ids = new HashMap<>();
    Pattern p = Pattern.compile("p(\\d+)a@patients\\.test");
    for (JsonNode m : queue.path("messages")) {
      for (JsonNode r : m.path("recipients")) {
        Matcher x = p.matcher(r.path("address").asText());
        if (x.matches()) {
          ids.put(Integer.parseInt(x.group(1)), m.path("id").asText());
        }
      }
    }
    return ids;
  }

  private static Optional<JsonNode> message(JsonNode queue, String id) {
    for (JsonNode m : queue.path("messages")) {
      if (m.path("id").asText().equals(id)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  private static Set<String> states(JsonNode message) {
    Set<String> s = new java.util.HashSet<>();
    message.path("recipients").forEach(r -> s.add(r.path("state").asText()));
    return s;
  }

  /** The fewest attempts among the message's recipients (-1 when it is not queued). */
  private static int attempts(JsonNode queue, String id) {
    return message(queue, id).map(m -> {
      int min = Integer.MAX_VALUE;
      for (JsonNode r : m.path("recipients")) {
        min = Math.min(min, r.path("attempts").asInt());
      }
      return min;
    }).orElse(-1);
  }

  private static Set<String> tempfailed(Receiver r) {
    try {
      return Set.copyOf(r.tempfailedRecipients().stream().filter(a -> a.matches("p\\d+[ab]@patients\\.test")).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> messages(Receiver r) {
    try {
      return r.messages();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "message index:recipient" → how many times it arrived, from the token in each body and X-Test-Rcpt. */
  private static Map<String, Integer> delivered(Receiver r) {
    Map<String, Integer> seen = new TreeMap<>();
    Pattern token = Pattern.compile("token-(\\d+)-end");
    Pattern rcpt = Pattern.compile("X-Test-Rcpt: (.*)\r\n");
    for (String m : messages(r)) {
      Matcher t = token.matcher(m);
      Matcher rc = rcpt.matcher(m);
      if (t.find() && rc.find()) {
        for (String a : rc.group(1).split(",")) {
          seen.merge(t.group(1) + ":" + a, 1, Integer::sum);
        }
      }
    }
    return seen;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(200);
    }
  }
}
