package org.mailward.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffingOutputStreamTest {
  private static String encode(String body, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DotStuffingOutputStream dot = new DotStuffingOutputStream(out);
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < b.length; i += chunk) {
      dot.write(b, i, Math.min(chunk, b.length - i));
    }
    dot.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void leadingDots_areDoubled_atEveryChunkBoundary() throws IOException {
    String body = ".first\r\nmid.dle\r\n.\r\n..two\r\n";
    for (int chunk = 1; chunk <= body.length(); chunk++) {
      assertThat(encode(body, chunk)).isEqualTo("..first\r\nmid.dle\r\n..\r\n...two\r\n.\r\n");
    }
  }

  @Test
  void bareLfAndBareCr_becomeCrlf_soNoSmugglingSequenceSurvives() throws IOException {
    for (int chunk = 1; chunk <= 8; chunk++) {
      assertThat(encode("a\n.\nb\r.\rc", chunk)).isEqualTo("a\r\n..\r\nb\r\n..\r\nc\r\n.\r\n");
    }
  }

  @Test
  void aBodyWithoutFinalCrlf_isTerminatedProperly() throws IOException {
    assertThat(encode("no newline", 3)).isEqualTo("no newline\r\n.\r\n");
    assertThat(encode("", 1)).isEqualTo(".\r\n");
  }

  @org.junit.jupiter.api.Test
  void bulkWrites_encodeExactlyLikeByteWrites_forRandomBodiesAndChunkings() throws IOException {
    java.util.SplittableRandom random = new java.util.SplittableRandom(20261126);
    byte[] alphabet = {'a', 'b', '.', '\r', '\n'};
    for (int round = 0; round < 2000; round++) {
      byte[] body = new byte[random.nextInt(1, 64)];
      for (int i = 0; i < body.length; i++) {
        body[i] = alphabet[random.nextInt(alphabet.length)];
      }
      ByteArrayOutputStream reference = new ByteArrayOutputStream();
      DotStuffingOutputStream bytewise = new DotStuffingOutputStream(reference);
      for (byte x : body) {
        bytewise.write(x);
      }
      bytewise.finish();
      String chunked = encode(new String(body, StandardCharsets.ISO_8859_1), random.nextInt(1, 16));
      org.assertj.core.api.Assertions.assertThat(chunked).isEqualTo(reference.toString(StandardCharsets.ISO_8859_1));
    }
  }
}
