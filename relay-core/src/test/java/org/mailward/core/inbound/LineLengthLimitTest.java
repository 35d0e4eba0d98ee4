package org.mailward.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 5322 §2.1.1's 998 octets, fed in three pieces split at every pair of boundaries near the line ends. */
class LineLengthLimitTest {
  static boolean exceeded(String message, int a, int b) {
    byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
    LineLengthLimit l = new LineLengthLimit();
    l.feed(m, 0, a);
    l.feed(m, a, b - a);
    l.feed(m, b, m.length - b);
    return l.exceeded();
  }

  /** Every split into three pieces at or around the interesting places of {@code message}. */
  static void atEverySplit(String message, boolean expected) {
    int n = message.length();
    for (int a = 0; a <= n; a += a < 5 || a > n - 1010 && a < n - 990 || a > n - 5 ? 1 : 97) {
      for (int b = a; b <= n; b += b < a + 3 || b > n - 1005 && b < n - 995 || b > n - 4 ? 1 : 211) {
        assertThat(exceeded(message, a, b)).as("split at %d, %d", a, b).isEqualTo(expected);
      }
    }
  }

  @Test
  void aLineOf998Octets_withItsCrlf_isWithinTheLimit() {
    atEverySplit("Subject: x\r\n\r\n" + "a".repeat(998) + "\r\nend\r\n", false);
  }

  @Test
  void aLastLineOf998Octets_withoutCrlf_isWithinTheLimit() {
    atEverySplit("Subject: x\r\n\r\n" + "a".repeat(998), false);
  }

  @Test
  void aBodyLineOf999Octets_exceedsTheLimit() {
    atEverySplit("Subject: x\r\n\r\n" + "a".repeat(999) + "\r\nend\r\n", true);
  }

  @Test
  void aHeaderLineOf2000Octets_exceedsTheLimit() {
    atEverySplit("X-Long: " + "h".repeat(1992) + "\r\nSubject: x\r\n\r\nbody\r\n", true);
  }

  @Test
  void aLastLineOf999Octets_withoutCrlf_exceedsTheLimit() {
    atEverySplit("Subject: x\r\n\r\n" + "a".repeat(999), true);
  }

  @Test
  void aLineEndingInABareCr_countsTheCrOnlyWhenNoLfFollows() {
    atEverySplit("Subject: x\r\n\r\n" + "a".repeat(997) + "\r\r\n", false);
    atEverySplit("Subject: x\r\n\r\n" + "a".repeat(998) + "\r\r\n", true);
  }

  @Test
  void manyShortLines_addingUpToFarMoreThan998_areWithinTheLimit() {
    atEverySplit(("x".repeat(70) + "\r\n").repeat(200), false);
  }
}
