package org.mailward.policy.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.api.HeaderEdit;

class CanonicalizationTest {
  private static String bodyHash(String body) throws Exception {
    return Base64.getEncoder().encodeToString(RelaxedBodyHash.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void emptyBody_hashesLikeTheEmptyString() throws Exception {
    assertThat(bodyHash("")).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assertThat(bodyHash("\r\n\r\n")).isEqualTo(bodyHash(""));
  }

  @Test
  void relaxedBody_ignoresWhitespaceRunsTrailingSpaceAndTrailingEmptyLines() throws Exception {
    assertThat(bodyHash(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(bodyHash(" C\r\nD E\r\n"));
    assertThat(bodyHash("a\r\n\r\nb")).isEqualTo(bodyHash("a\r\n\r\nb\r\n"));
    assertThat(bodyHash("a\r\n\r\nb")).isNotEqualTo(bodyHash("a\r\nb"));
  }

  @Test
  void relaxedHeader_matchesTheRfc6376Example() {
    // RFC 6376 section 3.4.5: "A: X" and "B : Y\t\r\n\tZ  " become "a:X" and "b:Y Z".
    assertThat(HeaderBlock.relaxed("A: X")).isEqualTo("a:X");
    assertThat(HeaderBlock.relaxed("B : Y\t\r\n\tZ  ")).isEqualTo("b:Y Z");
  }

  @Test
  void headerEdits_applyInOrder_replaceKeepsOneField_removeDropsAll() throws Exception {
    HeaderBlock h = HeaderBlock.read(new ByteArrayInputStream(
        "Subject: a\r\nX-T: 1\r\nSubject: b\r\nX-T: 2\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII)));
    assertThat(h.length()).isEqualTo(42);
    HeaderBlock edited = h.apply(List.of(new HeaderEdit.Replace("subject", "n"), new HeaderEdit.Remove("x-t"),
        new HeaderEdit.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click\r\nBcc: injected")));
    assertThat(edited.fields()).extracting(HeaderBlock.Field::raw)
        .containsExactly("List-Unsubscribe-Post: List-Unsubscribe=One-Click  Bcc: injected", "subject: n");
  }

  @Test
  void relaxedBodyHash_ofRandomBodiesInRandomReads_matchesAPlainReadingOfRfc6376() throws Exception {
    java.util.Random r = new java.util.Random(6376);
    byte[] alphabet = "ab. \t\r\n\r\n  x".getBytes(StandardCharsets.US_ASCII);
    for (int round = 0; round < 2000; round++) {
      byte[] body = new byte[r.nextInt(3000)];
      for (int i = 0; i < body.length; i++) {
        body[i] = r.nextInt(4) == 0 ? (byte) ('A' + r.nextInt(26)) : alphabet[r.nextInt(alphabet.length)];
      }
      int maxRead = 1 + r.nextInt(64);
      java.io.InputStream chunky = new java.io.FilterInputStream(new ByteArrayInputStream(body)) {
        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
          return super.read(b, off, Math.min(len, 1 + r.nextInt(maxRead)));
        }
      };
      byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(reference(body));
      assertThat(RelaxedBodyHash.of(chunky)).as("round %d", round).isEqualTo(expected);
    }
  }

  /** RFC 6376 3.4.4 read plainly: lines end at CRLF or a bare LF (as the spool's bodies may), a lone CR is content. */
  private static byte[] reference(byte[] body) {
    String s = new String(body, StandardCharsets.ISO_8859_1);
    String[] lines = s.split("\r?\n", -1);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      String l = line.replaceAll("[ \t]+", " ");
      l = l.replaceAll(" +\\z", ""); // \z, not $: to $ a lone CR is a line terminator
      out.append(l).append("\r\n");
    }
    String c = out.toString();
    while (c.endsWith("\r\n\r\n")) {
      c = c.substring(0, c.length() - 2);
    }
    if (c.equals("\r\n")) {
      c = "";
    }
    return c.getBytes(StandardCharsets.ISO_8859_1);
  }
}
