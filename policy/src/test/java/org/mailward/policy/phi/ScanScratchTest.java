package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScanScratchTest {
  @Test
  void decoding_matchesNewString_includingMalformedAndUnmappableInput() {
    ScanScratch scratch = new ScanScratch();
    Random random = new Random(42);
    List<Charset> charsets = List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16,
        Charset.forName("windows-1252"), Charset.forName("Shift_JIS"), Charset.forName("ISO-2022-JP"));
    for (Charset cs : charsets) {
      for (int round = 0; round < 200; round++) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        if (round % 2 == 0) {
          byte[] text = ("Diagnosed with diabetes, café ü — 日本 " + round).getBytes(cs);
          System.arraycopy(text, 0, bytes, 0, Math.min(text.length, bytes.length));
        }
        assertThat(scratch.decode(bytes, bytes.length, cs).toString()).as(cs + " round " + round)
            .isEqualTo(new String(bytes, 0, bytes.length, cs));
      }
    }
  }

  @Test
  void decoding_growsForTextLongerThanTheArray_andReadsOnlyTheGivenLength() {
    ScanScratch scratch = new ScanScratch();
    byte[] small = "abc".getBytes(StandardCharsets.UTF_8);
    assertThat(scratch.decode(small, 3, StandardCharsets.UTF_8).toString()).isEqualTo("abc");
    byte[] big = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    assertThat(scratch.decode(big, big.length, StandardCharsets.UTF_8).length()).isEqualTo(100_000);
    assertThat(scratch.decode(small, 2, StandardCharsets.UTF_8).toString()).isEqualTo("ab");
    assertThat(scratch.decode(small, 0, StandardCharsets.UTF_8).toString()).isEmpty();
  }

  @Test
  void arraysAboveTheKeepSize_areDroppedAfterTheScan_smallerOnesKept() {
    ScanScratch scratch = new ScanScratch();
    byte[] huge = new byte[ScanScratch.KEEP_BYTES + 1];
    scratch.raw(huge);
    scratch.trim();
    assertThat(scratch.raw()).isNotSameAs(huge).hasSizeLessThanOrEqualTo(ScanScratch.KEEP_BYTES);
    byte[] ordinary = new byte[64 << 10];
    scratch.raw(ordinary);
    scratch.trim();
    assertThat(scratch.raw()).isSameAs(ordinary);
  }

  @Test
  void aThreadsSet_servesOneScanAtATime() {
    ScanBuffers buffers = new ScanBuffers();
    ScanScratch outer = buffers.acquire();
    ScanScratch inner = buffers.acquire();
    assertThat(inner).isNotSameAs(outer);
    buffers.release(inner);
    buffers.release(outer);
    assertThat(buffers.acquire()).isSameAs(outer);
  }

  @Test
  void htmlText_viaScratch_equalsTheStringForm() {
    ScanScratch scratch = new ScanScratch();
    String html = "<p>A&amp;B</p><script>x</script>&#x53;SN <b>123-45-6789</b> &nbsp;<!-- c --> diabetes";
    char[] in = html.toCharArray();
    assertThat(HtmlText.toText(new CharArrayText(in, in.length), scratch).toString()).isEqualTo(HtmlText.toText(html));
  }
}
