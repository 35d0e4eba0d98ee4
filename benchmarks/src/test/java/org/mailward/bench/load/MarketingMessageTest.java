package org.mailward.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The generated marketing message: size, line discipline and dot-stuffing. */
class MarketingMessageTest {

  @Test
  void sixtyKilobyteMessage_isWithinFivePercentOfTheRequestedSize() {
    MarketingMessage m = MarketingMessage.ofSize(60 * 1024, "clinic.example");
    int total = m.body().length + m.headers(1, "a@clinic.example", "p1@patients.example").length;
    assertThat(total).isBetween(60 * 1024 * 95 / 100, 60 * 1024 * 105 / 100);
  }

  @Test
  void everyLine_isCrlfTerminated_shortAndDotStuffed() {
    String body = new String(MarketingMessage.ofSize(16 * 1024, "clinic.example").body(), StandardCharsets.UTF_8);
    assertThat(body).endsWith("\r\n").doesNotContain("\r\n.\r\n");
    assertThat(body.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    for (String line : body.split("\r\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(998);
      if (line.startsWith(".")) {
        assertThat(line).startsWith("..");
      }
    }
    assertThat(body).contains("..btn {").contains("text/html").contains("List-Unsubscribe");
  }
}
