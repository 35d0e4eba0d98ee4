// PHI scan throughput. scanDecodedText: the text scanner alone (Aho-Corasick
// dictionary pass + identifier token pass) over 1 MB of decoded marketing text;
// MB/s = score x 1.0. scanMarketingMessage60k: the whole detector (mime4j parse,
// quoted-printable decoding, HTML to text, scan) over one ~60 KB HTML message;
// the score is messages/s.
package org.mailward.bench;

import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.mailward.policy.PolicyConfig;
import org.mailward.policy.phi.HealthDictionary;
import org.mailward.policy.phi.PhiDetector;
import org.mailward.policy.phi.PhiReport;
import org.mailward.policy.phi.TextFindings;
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

@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class PhiScanBenchmark {
  static final int TEXT_BYTES = 1 << 20;

  PhiDetector detector;
  String text;
  byte[] message;

  @Setup
  public void setUp() {
    detector = new PhiDetector(HealthDictionary.bundled(), PolicyConfig.PhiPolicy.defaults());
    text = PolicyBenchData.text(TEXT_BYTES);
    message = PolicyBenchData.marketingHtmlMessage();
  }

  @Benchmark
  public TextFindings scanDecodedText() {
    return detector.scanText(text);
  }

  @Benchmark
  public PhiReport scanMarketingMessage60k() {
    return detector.scan(new ByteArrayInputStream(message), false);
  }
}
