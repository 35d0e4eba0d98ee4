package org.mailward.bench.load;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one leg of the bench measured.
 *
 * @param system {@code raw}, {@code postfix} or {@code mailward}
 * @param mode how the system ran (e.g. "full relay", "inbound+spool+policy, delivery off")
 * @param injector the injector's JSON summary (rates, latency percentiles, histogram, per-second series)
 * @param deliveredPerSecond messages the sink received per second of the leg; negative when nothing was delivered by design
 * @param delivered messages the sink received during the leg (after the warm-up)
 * @param cpuSeconds CPU (user+system) of the relay's process tree during the leg, drain included
 * @param peakHeapBytes peak Java heap of the relay; negative when not a JVM
 * @param deliveredSeries messages received by the sink in each second since the injector started
 * @param halfRate the injector summary of a second, paced run at half the measured peak (null if not run)
 */
record LegResult(String system, Profile profile, String mode, JsonNode injector, double deliveredPerSecond, long delivered,
    double cpuSeconds, String cpuOf, long peakHeapBytes, long peakRssBytes, double loadBefore, double loadAfter,
    long[] deliveredSeries, String note, JsonNode halfRate) {

  long accepted() {
    return injector.path("accepted").asLong();
  }

  double acceptedPerSecond() {
    return injector.path("acceptedPerSecond").asDouble();
  }

  double cpuPerThousand() {
    return accepted() == 0 ? Double.NaN : cpuSeconds / accepted() * 1000;
  }

  /** The message shape a raw or Postfix leg can share between profiles. */
  static String shape(Profile p) {
    return p.messageSize() + "/" + p.recipients() + "/" + p.connections() + "/" + p.idleConnections() + "/" + p.backlog() + "/"
        + p.attachmentBytes();
  }
}
