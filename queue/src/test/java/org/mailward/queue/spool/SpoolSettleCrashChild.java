package org.mailward.queue.spool;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.SpoolException;
import org.mailward.queue.SpoolConfig;

/**
 * Child JVM for {@link SpoolSettleCrashIT}: writers commit messages of three recipients; one delivery thread
 * claims them and settles recipients 0 and 1 as delivered (several settlements in flight), printing
 * {@code SETTLED <id> <index>...} only once a settlement's stage completed (a recipient claimed before the
 * writer thread recorded its message is left leased, so a line may name only one of the two). Recipient 2 is never settled. Runs until killed.
 */
public final class SpoolSettleCrashChild {
  static final int RECIPIENTS = 3;

  private SpoolSettleCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    PrintStream out = System.out;
    SpoolStorage storage = RocksChronicleSpool.open(SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0), Clock.systemUTC());
    Spool spool = storage.spool();
    Set<MessageId> mine = ConcurrentHashMap.newKeySet();
    SecureRandom random = new SecureRandom();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        Random chunks = new Random();
        while (true) {
          MessageId id = MessageId.generate(System.currentTimeMillis(), random);
          try {
            MessageWriter w = spool.begin(id);
            SpoolFixtures.writeChunks(w, SpoolFixtures.body(id.lsb(), 2000 + chunks.nextInt(40_000)), chunks);
            w.commit(SpoolFixtures.envelope(id, RECIPIENTS), List.of()).toCompletableFuture().join();
            mine.add(id);
          } catch (SpoolException.Busy e) {
            Thread.onSpinWait();
          }
        }
      }, "writer-" + t);
      th.start();
    }
    Semaphore inFlight = new Semaphore(16);
    RecipientOutcome delivered = new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "ok"), null);
    Thread delivery = new Thread(() -> {
      while (true) {
        Map<MessageId, List<Spool.Settlement>> byMessage = new java.util.LinkedHashMap<>();
        for (Spool.DueRecipient d : spool.claimDue(Instant.now().plusSeconds(1), 10_000)) {
          MessageId id = d.ref().messageId();
          if (mine.contains(id) && d.ref().index() < 2) {
            byMessage.computeIfAbsent(id, k -> new ArrayList<>()).add(new Spool.Settlement(d.ref(), delivered));
          }
        }
        for (var e : byMessage.entrySet()) {
          inFlight.acquireUninterruptibly();
          spool.settle(e.getValue()).whenComplete((v, ex) -> {
            inFlight.release();
            if (ex == null) {
              synchronized (out) {
                StringBuilder line = new StringBuilder("SETTLED ").append(e.getKey());
                e.getValue().forEach(st -> line.append(' ').append(st.ref().index()));
                out.println(line);
                out.flush();
              }
            }
          });
        }
        Thread.onSpinWait();
      }
    }, "delivery");
    delivery.start();
    out.println("READY");
    out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
