package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TransferDecodingTest {
  private static String decode(String encoding, String raw) {
    byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
    TransferDecoding.Decoded d = TransferDecoding.decode(encoding, b, b.length);
    return new String(d.bytes(), 0, d.length(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void quotedPrintable_decodesHexInEitherCase_andSoftLineBreaks() {
    assertThat(decode("quoted-printable", "caf=C3=a9 =3D x=\r\ny=\nz= \t\r\nw")).isEqualTo("caf\u00c3\u00a9 = xyzw");
    assertThat(decode("Quoted-Printable", "line one\r\nline two\r\n")).isEqualTo("line one\r\nline two\r\n");
  }

  @Test
  void quotedPrintable_keepsMalformedEscapesLiterally() {
    assertThat(decode("quoted-printable", "a=ZZb =4 =")).isEqualTo("a=ZZb =4 ");
    assertThat(decode("quoted-printable", "=G1=1")).isEqualTo("=G1=1");
  }

  @Test
  void base64_ignoresLineBreaks_andFallsBackToTheLenientDecoderOnBadPadding() {
    String encoded = Base64.getMimeEncoder(8, "\r\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString("diabetes clinic".getBytes(StandardCharsets.US_ASCII));
    assertThat(decode("base64", encoded + "\r\n")).isEqualTo("diabetes clinic");
    assertThat(decode("base64", "ZGlhYmV0ZXM=ZGlh")).startsWith("diabetes");
  }

  @Test
  void otherEncodings_passThrough() {
    assertThat(decode("8bit", "=3D as is")).isEqualTo("=3D as is");
    assertThat(decode("x-unknown", "=3D")).isEqualTo("=3D");
  }
}
