package org.mailward.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderOnlyInputStreamTest {
  private static String headers(String msg) throws IOException {
    try (var in = new HeaderOnlyInputStream(new ByteArrayInputStream(msg.getBytes(StandardCharsets.US_ASCII)))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void stopsAtTheEmptyLine_neverPassingTheBody() throws IOException {
    assertThat(headers("Subject: a\r\nTo: b\r\n\r\nsecret body\r\n")).isEqualTo("Subject: a\r\nTo: b\r\n");
    assertThat(headers("Subject: a\n\nsecret\n")).isEqualTo("Subject: a\n");
    assertThat(headers("Subject: a\r\n")).isEqualTo("Subject: a\r\n");
  }

  @Test
  void orcptValues_areXtextDecoded() {
    assertThat(DsnWriter.orcpt("rfc822;a+2Bb@example.org")).isEqualTo("rfc822; a+b@example.org");
  }
}
