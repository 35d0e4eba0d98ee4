package org.mailward.queue.spool;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.SpoolException;
import org.mailward.queue.SpoolConfig;

/**
 * Child JVM for {@link SpoolCrashRecoveryIT} and {@link SpoolPowerCutIT}: commits
 * messages from many threads until it is killed, printing {@code ACK <id>} (to
 * stdout, or appended to the file named by the third argument) only after a
 * commit's stage completed: that is the moment the relay would answer {@code 250}.
 * Body and envelope are derived from the id, so the parent can check them. A fourth
 * argument sets {@link SpoolConfig.Durability} ({@code OS_BUFFERED} is the spool
 * with its fsyncs removed, for showing that the power-cut test catches it).
 */
public final class SpoolCrashChild {
  private SpoolCrashChild() {}

  static int recipients(MessageId id) {
    return 1 + (int) (id.lsb() & 3);
  }

  static byte[] body(MessageId id) {
    return SpoolFixtures.body(id.lsb(), (int) ((id.lsb() >>> 8) & 0x3FFFF) % 150_000);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = args.length > 2
        ? new PrintStream(new FileOutputStream(args[2], true), false, StandardCharsets.US_ASCII) : System.out;
    SpoolConfig.Durability durability = args.length > 3 ? SpoolConfig.Durability.valueOf(args[3]) : SpoolConfig.Durability.FSYNC;
    SpoolStorage storage = RocksChronicleSpool.open(
        SpoolConfig.defaults(dir).withLimits(512, 64L << 20, 0).withDurability(durability), Clock.systemUTC());
    SecureRandom random = new SecureRandom();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        Semaphore inFlight = new Semaphore(8);
        Random chunks = new Random();
        while (true) {
          inFlight.acquireUninterruptibly();
          MessageId id = MessageId.generate(System.currentTimeMillis(), random);
          try {
            MessageWriter w = storage.spool().begin(id);
            SpoolFixtures.writeChunks(w, body(id), chunks);
            w.commit(SpoolFixtures.envelope(id, recipients(id)), List.of()).whenComplete((v, e) -> {
              inFlight.release();
              if (e == null) {
                synchronized (out) {
                  out.println("ACK " + id);
                  out.flush();
                }
              }
            });
          } catch (SpoolException.Busy e) {
            inFlight.release();
            Thread.onSpinWait();
          }
        }
      }, "writer-" + t);
      th.start();
    }
    out.println("READY");
    out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
