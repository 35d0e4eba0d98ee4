package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NormalTextTest {
  @Test
  void plainAscii_isReturnedAsItIs_withoutACopy() {
    String s = "SSN 123-45-6789";
    NormalText n = NormalText.of(s);
    assertThat(n.identity()).isTrue();
    assertThat(n.text()).isSameAs(s);
    assertThat(n.origin(4)).isEqualTo(4);
  }

  @Test
  void fullWidthDigitsAndLetters_becomeAscii() {
    assertThat(NormalText.of("ＳＳＮ １２３-４５-６７８９").text().toString()).isEqualTo("SSN 123-45-6789");
  }

  @Test
  void zeroWidthCharactersSoftHyphensAndByteOrderMarks_areRemoved_andOffsetsPointToTheOriginal() {
    String s = "\uFEFFJa\u200Bne Ex\u00ADam\u200Dple 123\u2060-45-6789";
    NormalText n = NormalText.of(s);
    assertThat(n.text().toString()).isEqualTo("Jane Example 123-45-6789");
    assertThat(n.origin(0)).isEqualTo(1); // 'J' after the BOM
    assertThat(s.charAt(n.origin(2))).isEqualTo('n');
    assertThat(s.charAt(n.origin(13))).isEqualTo('1');
  }

  @Test
  void lookAlikeLettersFromOtherScripts_foldToLatin_butAccentedLatinNamesStay() {
    // Cyrillic А, е, о and Greek ο inside Latin words
    assertThat(NormalText.of("\u0410nn\u0435 R\u043Es\u03BFn").text().toString()).isEqualTo("Anne Roson");
    assertThat(NormalText.of("Zoë Müller, José").text().toString()).isEqualTo("Zoë Müller, José");
  }

  @Test
  void aLetterThatLooksLikeADigit_staysALetter() {
    assertThat(NormalText.of("\u0417\u041E").text().toString()).isEqualTo("\u0417O"); // Cyrillic Ze stays; O folds
  }

  @Test
  void noBreakAndOtherSpaces_becomePlainSpaces() {
    assertThat(NormalText.of("Jane\u00A0Example\u2009DOB").text().toString()).isEqualTo("Jane Example DOB");
  }
}
