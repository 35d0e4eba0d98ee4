package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
  @Test
  void tagsBecomeSpaces_andTextBetweenThemIsKept() {
    assertThat(HtmlText.toText("<p>SSN</p><b>123</b>")).isEqualTo(" SSN  123 ");
    assertThat(HtmlText.toText("a<br/>b<td\nclass=\"x\">c")).isEqualTo("a b c");
    assertThat(HtmlText.toText("plain text, no markup\r\n")).isEqualTo("plain text, no markup\r\n");
  }

  @Test
  void commentsScriptsAndStyles_areDropped_caseInsensitively() {
    assertThat(HtmlText.toText("a<!-- diabetes -->b")).isEqualTo("ab");
    assertThat(HtmlText.toText("a<SCRIPT type=x>var diabetes=1</Script >b")).isEqualTo("a b");
    assertThat(HtmlText.toText("a<style>p{}</STYLE>b<scripts>c</scripts>d")).isEqualTo("a b c d");
    assertThat(HtmlText.toText("a<script>never closed")).isEqualTo("a ");
    assertThat(HtmlText.toText("a<!-- never closed")).isEqualTo("a");
  }

  @Test
  void entities_areDecoded_andUnknownOnesKeptLiterally() {
    assertThat(HtmlText.toText("A&amp;B &LT;x&gt; &quot;&apos; a&nbsp;b&mdash;c")).isEqualTo("A&B <x> \"' a b-c");
    assertThat(HtmlText.toText("&#83;&#x53;&#X1F600; &#;&#xZZ;&#-5;")).isEqualTo("SS\uD83D\uDE00 &#;&#xZZ;&#-5;");
    assertThat(HtmlText.toText("&copy; &amp &averyverylongname; R&D")).isEqualTo("&copy; &amp &averyverylongname; R&D");
  }

  @Test
  void unclosedMarkupAtTheEnd_endsTheText() {
    assertThat(HtmlText.toText("abc <p class=")).isEqualTo("abc  ");
    assertThat(HtmlText.toText("abc<")).isEqualTo("abc ");
    assertThat(HtmlText.toText("abc&")).isEqualTo("abc&");
    assertThat(HtmlText.toText("")).isEmpty();
  }
}
