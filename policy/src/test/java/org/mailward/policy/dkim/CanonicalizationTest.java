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
}
