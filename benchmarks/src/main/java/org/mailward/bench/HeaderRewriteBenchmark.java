// Header rewriting at delivery without DKIM: DkimFinisher.prepare reads the
// header block of a ~60 KB marketing message, applies the envelope's edits
// (X-Mailward-Purpose removed, List-Unsubscribe replaced, List-Unsubscribe-Post
// added) and the message is written out, header then body, in one pass. The
// score is messages/s; run with -prof gc for bytes allocated per message.
package org.mailward.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MessageFinisher;
import org.mailward.policy.dkim.DkimFinisher;
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
public class HeaderRewriteBenchmark {
  MessageFinisher finisher;
  Envelope envelope;
  BodySource body;

  @Setup
  public void setUp() {
    finisher = new DkimFinisher(Map.of());
    envelope = PolicyBenchData.marketingEnvelope(List.of(new HeaderEdit.Remove("X-Mailward-Purpose"),
        new HeaderEdit.Replace("List-Unsubscribe", "<https://u.clinic.example/u/token>"),
        new HeaderEdit.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")), false);
    body = PolicyBenchData.marketingBody();
  }

  @Benchmark
  public void rewriteHeadersAndStream() throws IOException {
    try (MessageFinisher.Prepared p = finisher.prepare(envelope, body)) {
      p.writeTo(OutputStream.nullOutputStream());
    }
  }
}
