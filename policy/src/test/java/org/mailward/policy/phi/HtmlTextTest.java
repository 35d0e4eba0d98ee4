package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
  @Test
  void blockTagsBecomeLineBreaks_andTextBetweenThemIsKept() {
    assertThat(HtmlText.toText("<p>SSN</p><b>123</b>")).isEqualTo("\nSSN\n123");
    assertThat(HtmlText.toText("a<br/>b<td\nclass=\"x\">c")).isEqualTo("a\nb\nc");
    assertThat(HtmlText.toText("plain text, no markup\r\n")).isEqualTo("plain text, no markup\r\n");
  }

  @Test
  void commentsScriptsAndStyles_areDropped_caseInsensitively() {
    assertThat(HtmlText.toText("a<!-- diabetes -->b")).isEqualTo("ab");
    assertThat(HtmlText.toText("a<SCRIPT type=x>var diabetes=1</Script >b")).isEqualTo("a\nb");
    assertThat(HtmlText.toText("a<style>p{}</STYLE>b<scripts>c</scripts>d")).isEqualTo("a\nb\nc\nd");
    assertThat(HtmlText.toText("a<script>never closed")).isEqualTo("a\n");
    assertThat(HtmlText.toText("a<!-- never closed")).isEqualTo("a");
  }

  @Test
  void inlineTags_joinTheTextAroundThem_soSplitIdentifiersReadWhole() {
    assertThat(HtmlText.toText("SSN 123-<b>45</b>-<span class=x>6789</span>")).isEqualTo("SSN 123-45-6789");
    assertThat(HtmlText.toText("Ja<font color=red>ne</font> <A href=x>Ex</a>ample<!-- x -->s")).isEqualTo("Jane Examples");
    assertThat(HtmlText.toText("a<bdo>b</bdo><br>c<blockquote>d")).isEqualTo("ab\nc\nd");
  }

  @Test
  void entities_areDecoded_andUnknownOnesKeptLiterally() {
    assertThat(HtmlText.toText("A&amp;B &LT;x&gt; &quot;&apos; a&nbsp;b&mdash;c")).isEqualTo("A&B <x> \"' a b-c");
    assertThat(HtmlText.toText("&#83;&#x53;&#X1F600; &#;&#xZZ;&#-5;")).isEqualTo("SS\uD83D\uDE00 &#;&#xZZ;&#-5;");
    assertThat(HtmlText.toText("&copy; &amp &averyverylongname; R&D")).isEqualTo("&copy; &amp &averyverylongname; R&D");
  }

  @Test
  void unclosedMarkupAtTheEnd_endsTheText() {
    assertThat(HtmlText.toText("abc <p class=")).isEqualTo("abc \n");
    assertThat(HtmlText.toText("abc<")).isEqualTo("abc\n");
    assertThat(HtmlText.toText("abc&")).isEqualTo("abc&");
    assertThat(HtmlText.toText("")).isEmpty();
  }
}
