package org.mailward.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The sink's command and DATA handling, fed through an EmbeddedChannel split at every byte boundary. */
class SinkSessionTest {
  private static final String TRANSACTION = "EHLO a.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nRCPT TO:<e@d.test>\r\n"
      + "DATA\r\nSubject: x\r\n\r\n..stuffed line\r\n.\r\nnot the end\r\n\r\n.\r\nQUIT\r\n";

  @Test
  void transactionSplitAtEveryByte_isCountedOnce_withItsRecipients() {
    byte[] bytes = TRANSACTION.getBytes(StandardCharsets.US_ASCII);
    for (int split = 1; split < bytes.length; split++) {
      SinkStats stats = new SinkStats(System.nanoTime());
      EmbeddedChannel ch = new EmbeddedChannel(new SinkSession(SinkConfig.loopback(false), stats, null, () -> false));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));

      assertThat(stats.messages.sum()).as("split at %d", split).isEqualTo(1);
      assertThat(stats.recipients.sum()).isEqualTo(2);
      assertThat(replies(ch)).contains("250 2.0.0 Ok: counted").contains("221 2.0.0");
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void refusing_answersRcptWith451_andDataWith554() {
    SinkStats stats = new SinkStats(System.nanoTime());
    EmbeddedChannel ch = new EmbeddedChannel(new SinkSession(SinkConfig.loopback(false), stats, null, () -> true));
    ch.writeInbound(Unpooled.copiedBuffer("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n", StandardCharsets.US_ASCII));

    assertThat(replies(ch)).contains("451 4.3.2").contains("554 5.5.1");
    assertThat(stats.refusedRecipients.sum()).isEqualTo(1);
    assertThat(stats.messages.sum()).isZero();
    ch.finishAndReleaseAll();
  }

  private static String replies(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return sb.toString();
  }
}
