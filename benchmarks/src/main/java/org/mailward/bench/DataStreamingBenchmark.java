// DATA streaming on the inbound hot path: dot-unstuffing and end-of-data
// detection (CRLF.CRLF only, bare CR/LF flagged) over a 60 KB marketing body
// in 8 KB reads, as Netty hands them over; and the same with the RFC 5322
// 998-octet line check on the unstuffed bytes, as InboundMessage does it.
// Score: bodies/s; MB/s = score x 60 KB.
package org.mailward.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.mailward.core.inbound.DataScanner;
import org.mailward.core.inbound.LineLengthLimit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DataStreamingBenchmark {
  private static final int READ = 8192;
  private byte[] wire;
  private final byte[] out = new byte[READ + 2];

  @Setup
  public void setUp() {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("From: <news@clinic.example>\r\nSubject: Seasonal flu shots\r\nContent-Type: text/html\r\n\r\n");
    int line = 0;
    while (sb.length() < 60 * 1024) {
      // every 40th line starts with a dot, stuffed on the wire
      sb.append(line++ % 40 == 0 ? ".." : "").append("<p>Book your seasonal flu shot at <a href=\"https://clinic.example/")
          .append(line).append("\">our clinic</a> this week.</p>\r\n");
    }
    sb.append(".\r\n");
    wire = sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Benchmark
  public long unstuff60kBody() {
    DataScanner scanner = new DataScanner();
    long produced = 0;
    for (int off = 0; off < wire.length && !scanner.ended(); off += READ) {
      long r = scanner.scan(wire, off, Math.min(READ, wire.length - off), out);
      produced += (int) r;
    }
    return produced;
  }

  @Benchmark
  public long unstuffAndCheckLineLengths60kBody() {
    DataScanner scanner = new DataScanner();
    LineLengthLimit lines = new LineLengthLimit();
    long produced = 0;
    for (int off = 0; off < wire.length && !scanner.ended(); off += READ) {
      long r = scanner.scan(wire, off, Math.min(READ, wire.length - off), out);
      lines.feed(out, 0, (int) r);
      produced += (int) r;
    }
    return lines.exceeded() ? -produced : produced;
  }
}
