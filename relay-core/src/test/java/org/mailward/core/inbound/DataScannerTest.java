package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataScannerTest {
  /** Result of scanning {@code input} fed in two parts split at {@code split}. */
  record Scan(String body, boolean ended, boolean bare, int consumed) {}

  static Scan scan(String input, int split) {
    byte[] in = input.getBytes(StandardCharsets.ISO_8859_1);
    DataScanner s = new DataScanner();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int consumed = 0;
    for (int[] part : new int[][] {{0, split}, {split, in.length - split}}) {
      if (s.ended()) {
        break;
      }
      byte[] out = new byte[part[1] + 2];
      long r = s.scan(in, part[0], part[1], out);
      consumed += (int) (r >>> 32);
      body.write(out, 0, (int) r);
    }
    return new Scan(body.toString(StandardCharsets.ISO_8859_1), s.ended(), s.sawBareLineEnding(), consumed);
  }

  static void atEverySplit(String input, String body, boolean ended, boolean bare, int consumed) {
    for (int split = 0; split <= input.length(); split++) {
      assertThat(scan(input, split)).as("split at " + split).isEqualTo(new Scan(body, ended, bare, consumed));
    }
  }

  @Test
  void crlfDotCrlf_endsTheData_andLeavesPipelinedBytes() {
    String in = "Subject: a\r\n\r\nbody\r\n.\r\nQUIT\r\n";
    atEverySplit(in, "Subject: a\r\n\r\nbody\r\n", true, false, in.indexOf("QUIT"));
  }

  @Test
  void leadingDots_areUnstuffed() {
    atEverySplit("..one\r\n...\r\n.x\r\n.\r\n", ".one\r\n..\r\nx\r\n", true, false, 19);
  }

  @Test
  void emptyMessage_endsAtOnce() {
    atEverySplit(".\r\n", "", true, false, 3);
  }

  @Test
  void lfDotLf_doesNotEndTheData_andIsFlagged() {
    atEverySplit("a\n.\nb\r\n", "a\n.\nb\r\n", false, true, 7);
  }

  @Test
  void crlfDotLf_doesNotEndTheData_andIsFlagged() {
    atEverySplit("a\r\n.\nMAIL FROM:<x@y>\r\n", "a\r\n\nMAIL FROM:<x@y>\r\n", false, true, 22);
  }

  @Test
  void crDotCr_doesNotEndTheData_andIsFlagged() {
    Scan s = scan("a\r.\rb\r\n.\r\n", 3);
    assertThat(s.ended()).isTrue();
    assertThat(s.bare()).isTrue();
  }

  @Test
  void lfDotCrlf_doesNotEndTheData() {
    Scan s = scan("a\n.\r\nstill data\r\n.\r\n", 4);
    assertThat(s.ended()).isTrue();
    assertThat(s.bare()).isTrue();
    assertThat(s.body()).contains("still data");
  }

  @Test
  void bareCrInsideALine_isFlagged_butBinaryBytesAreNot() {
    assertThat(scan("a\rb\r\n.\r\n", 2).bare()).isTrue();
    assertThat(scan("\u00ff\u0000\u00e9\r\n.\r\n", 2)).isEqualTo(new Scan("\u00ff\u0000\u00e9\r\n", true, false, 8));
  }
}
