package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;

class EnvelopeCodecTest {
  @Test
  void everyEnvelopeField_survivesTheRoundTrip() {
    Envelope e = SpoolFixtures.envelope(MessageId.generate(1_700_000_000_000L, new SecureRandom()), 3);
    Envelope back = EnvelopeCodec.decode(EnvelopeCodec.encode(e), 0);
    assertThat(back).isEqualTo(e);
    assertThat(back.recipients().get(0).address().asString()).isEqualTo("patient0@clinic0.test");
  }

  @Test
  void messageRecord_keepsFrameIndexesAcrossLargeGaps() {
    Envelope e = SpoolFixtures.envelope(MessageId.generate(1_700_000_000_000L, new SecureRandom()), 1);
    long[] frames = {5L << 32, (5L << 32) + 1, (7L << 32) + 3};
    MessageRecord r = MessageRecord.decode(new MessageRecord(99, frames, e).encode());
    assertThat(r.frames()).containsExactly(frames);
    assertThat(r.size()).isEqualTo(99);
    assertThat(r.envelope()).isEqualTo(e);
  }
}
