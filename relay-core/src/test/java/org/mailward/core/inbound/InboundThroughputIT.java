package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mailward.core.testing.InboundFixture;
import org.mailward.testkit.SmtpTestClient;
import org.junit.jupiter.api.Test;

/**
 * Orientation figure, not a benchmark: small pipelined messages over 4 TLS
 * connections into the fsync-per-message test spool. Prints messages/s; asserts
 * only that every message was queued.
 */
class InboundThroughputIT {
  @Test
  void smallMessagesOverFourConnections_areAllQueued() throws Exception {
    int connections = 4;
    int perConnection = 150;
    try (InboundFixture fx = new InboundFixture()) {
      ExecutorService pool = Executors.newFixedThreadPool(connections);
      long t0 = System.nanoTime();
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        done.add(pool.submit(() -> {
          int ok = 0;
          try (SmtpTestClient client = fx.authenticated("apikey")) {
            for (int i = 0; i < perConnection; i++) {
              client.write("MAIL FROM:<news@clinic.test>\r\nRCPT TO:<p" + i + "@example.test>\r\nDATA\r\n");
              client.expect(250);
              client.expect(250);
              client.expect(354);
              client.write("Subject: n\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(2) + ".\r\n");
              if (client.read().code() == 250) {
                ok++;
              }
            }
          }
          return ok;
        }));
      }
      int total = 0;
      for (Future<Integer> f : done) {
        total += f.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      System.out.printf("throughput: %d messages of ~2 KB over %d TLS connections in %.2f s = %.0f msg/s (test spool: one fsync per message)%n",
          total, connections, seconds, total / seconds);
      assertThat(total).isEqualTo(connections * perConnection);
      assertThat(fx.spool.committed()).hasSize(connections * perConnection);
    }
  }
}
