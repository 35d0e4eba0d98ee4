package org.mailward.queue.spool;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.SpoolException;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.crypto.MasterKey;

/**
 * Child JVM for {@link SpoolCrashRecoveryIT} and {@link SpoolPowerCutIT}: commits
 * messages from many threads until it is killed, printing {@code ACK <id>} (to
 * stdout, or appended to the file named by the third argument) only after a
 * commit's stage completed: that is the moment the relay would answer {@code 250}.
 * Body and envelope are derived from the id, so the parent can check them. A fourth
 * argument sets {@link SpoolConfig.Durability} ({@code OS_BUFFERED} is the spool
 * with its fsyncs removed, for showing that the power-cut test catches it). Fifth and
 * sixth arguments (re-wrap batch size, destroy grace in ms) turn on master-key
 * re-wrapping every 50 ms from 2 s after the start (so it runs under load), for {@link MasterKeyRotationIT}; the child then also prints
 * {@code REWRAPPED <n>} and {@code DESTROYED <n>} as those counts grow.
 */
public final class SpoolCrashChild {
  private SpoolCrashChild() {}

  static int recipients(MessageId id) {
    return 1 + (int) (id.lsb() & 3);
  }

  static byte[] body(MessageId id) {
    return SpoolFixtures.body(id.lsb(), (int) ((id.lsb() >>> 8) & 0x3FFFF) % 150_000);
  }

  private static void reportRotation(SpoolStorage storage, PrintStream out) {
    Thread t = new Thread(() -> {
      long rewrapped = 0;
      long destroyed = 0;
      while (true) {
        DataKeyRewrapper.Stats s = storage.keyRotation();
        synchronized (out) {
          if (s.rewrapped() != rewrapped) {
            out.println("REWRAPPED " + s.rewrapped());
          }
          if (s.destroyed() != destroyed) {
            out.println("DESTROYED " + s.destroyed());
          }
          out.flush();
        }
        rewrapped = s.rewrapped();
        destroyed = s.destroyed();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rotation-reporter");
    t.setDaemon(true);
    t.start();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = args.length > 2
        ? new PrintStream(new FileOutputStream(args[2], true), false, StandardCharsets.US_ASCII) : System.out;
    SpoolConfig.Durability durability = args.length > 3 ? SpoolConfig.Durability.valueOf(args[3]) : SpoolConfig.Durability.FSYNC;
    SpoolConfig config = SpoolCrashCheck.config(dir).withDurability(durability);
    DataKeyRewrapper.Settings rotation = args.length > 5
        ? new DataKeyRewrapper.Settings(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(Long.parseLong(args[5])),
            Integer.parseInt(args[4]))
        : DataKeyRewrapper.Settings.defaults();
    SpoolStorage storage = RocksChronicleSpool.open(config, Clock.systemUTC(),
        MasterKey.loadOrCreate(config.masterKeyFile(), new SecureRandom()), rotation);
    if (args.length > 5) {
      reportRotation(storage, out);
    }
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
