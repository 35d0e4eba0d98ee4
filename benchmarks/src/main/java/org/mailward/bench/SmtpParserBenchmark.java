// SMTP command parsing on the inbound hot path: a pipelined burst's MAIL FROM
// with parameters and RCPT TO with DSN parameters, plus EHLO and a malformed
// line. Pure CPU, no I/O; ops/s per parsed line.
package org.mailward.bench;

import java.util.concurrent.TimeUnit;
import org.mailward.core.smtp.CommandParser;
import org.mailward.core.smtp.SmtpCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmtpParserBenchmark {
  private final String mail = "MAIL FROM:<campaigns+2024-11@news.clinic.example> SIZE=61440 BODY=8BITMIME RET=HDRS ENVID=QQ314159";
  private final String rcpt = "RCPT TO:<jane.doe@patients.example.org> NOTIFY=FAILURE,DELAY ORCPT=rfc822;jane.doe@patients.example.org";
  private final String ehlo = "EHLO mta1.esp.example.net";
  private final String junk = "MAIL FROM:<unterminated@example.org SIZE=abc";

  @Benchmark
  public SmtpCommand mailFromWithParameters() {
    return CommandParser.parse(mail);
  }

  @Benchmark
  public SmtpCommand rcptToWithDsn() {
    return CommandParser.parse(rcpt);
  }

  @Benchmark
  public SmtpCommand ehlo() {
    return CommandParser.parse(ehlo);
  }

  @Benchmark
  public SmtpCommand malformed() {
    return CommandParser.parse(junk);
  }
}
