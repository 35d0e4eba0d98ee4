package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.mailward.api.Envelope;
import org.mailward.api.MessageId;
import org.mailward.queue.crypto.DataKey;
import org.mailward.queue.crypto.FrameCipher;

class EnvelopeCodecTest {
  @Test
  void everyEnvelopeField_survivesTheRoundTrip() {
    Envelope e = SpoolFixtures.envelope(MessageId.generate(1_700_000_000_000L, new SecureRandom()), 3);
    Envelope back = EnvelopeCodec.decode(EnvelopeCodec.encode(e), 0);
    assertThat(back).isEqualTo(e);
    assertThat(back.recipients().get(0).address().asString()).isEqualTo("patient0@clinic0.test");
  }

  @Test
  void messageRecord_keepsFrameIndexesAcrossLargeGaps_andItsSealedEnvelope() {
    MessageId id = MessageId.generate(1_700_000_000_000L, new SecureRandom());
    Envelope e = SpoolFixtures.envelope(id, 1);
    FrameCipher cipher = new FrameCipher(DataKey.generate(new SecureRandom()), id);
    long[] frames = {5L << 32, (5L << 32) + 1, (7L << 32) + 3};
    byte[] row = MessageRecord.sealed(99, frames, cipher.sealRecord(EnvelopeCodec.encode(e))).encode();
    MessageRecord r = MessageRecord.decode(row);
    assertThat(r.frames()).containsExactly(frames);
    assertThat(r.size()).isEqualTo(99);
    assertThat(r.envelope(cipher)).isEqualTo(e);
    assertThat(new String(row, StandardCharsets.ISO_8859_1)).doesNotContain("patient0", "clinic0.test", "sender@acme", "env-1");
  }

  @Test
  void aSealedEnvelope_doesNotOpenUnderAnotherMessagesKeyOrId() {
    SecureRandom random = new SecureRandom();
    MessageId id = MessageId.generate(1_700_000_000_000L, random);
    DataKey key = DataKey.generate(random);
    byte[] row = MessageRecord.sealed(1, new long[] {1}, new FrameCipher(key, id)
        .sealRecord(EnvelopeCodec.encode(SpoolFixtures.envelope(id, 2)))).encode();
    MessageRecord r = MessageRecord.decode(row);
    MessageId other = MessageId.generate(1_700_000_000_001L, random);
    assertThatThrownBy(() -> r.envelope(new FrameCipher(key, other))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> r.envelope(new FrameCipher(DataKey.generate(random), id))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aVersion1Row_withItsEnvelopeInClear_isStillRead() {
    MessageId id = MessageId.generate(1_700_000_000_000L, new SecureRandom());
    Envelope e = SpoolFixtures.envelope(id, 2);
    byte[] env = EnvelopeCodec.encode(e);
    byte[] v1 = ByteBuffer.allocate(1 + 8 + 4 + 8 + env.length).put((byte) 1).putLong(42).putInt(1).putLong(7).put(env).array();
    MessageRecord r = MessageRecord.decode(v1);
    assertThat(r.frames()).containsExactly(7L);
    assertThat(r.envelope(new FrameCipher(DataKey.generate(new SecureRandom()), id))).isEqualTo(e);
  }
}
