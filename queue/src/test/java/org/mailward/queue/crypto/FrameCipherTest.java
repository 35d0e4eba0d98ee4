package org.mailward.queue.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.mailward.api.MessageId;

class FrameCipherTest {
  private final SecureRandom random = new SecureRandom();
  private final DataKey key = DataKey.generate(random);
  private final MessageId id = MessageId.generate(1_700_000_000_000L, random);
  private final byte[] plain = "Subject: lab results\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);

  @Test
  void sealedFrame_opensToThePlaintext_andDoesNotContainIt() throws Exception {
    byte[] sealed = new FrameCipher(key, id).seal(plain, 0, plain.length, 3, true);
    assertThat(sealed).hasSize(plain.length + FrameCipher.TAG_BYTES);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("lab results");
    assertThat(new FrameCipher(key, id).open(sealed, 3, true)).isEqualTo(plain);
  }

  @Test
  void frameOpenedAtAnotherIndex_orWithoutItsLastFlag_orForAnotherMessage_fails() {
    byte[] sealed = new FrameCipher(key, id).seal(plain, 0, plain.length, 3, true);
    assertThatThrownBy(() -> new FrameCipher(key, id).open(sealed, 4, true)).isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> new FrameCipher(key, id).open(sealed, 3, false)).isInstanceOf(AEADBadTagException.class);
    MessageId other = MessageId.generate(1_700_000_000_000L, random);
    assertThatThrownBy(() -> new FrameCipher(key, other).open(sealed, 3, true)).isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void flippedBit_isDetected() {
    byte[] sealed = new FrameCipher(key, id).seal(plain, 0, plain.length, 0, false);
    sealed[5] ^= 1;
    assertThatThrownBy(() -> new FrameCipher(key, id).open(sealed, 0, false)).isInstanceOf(AEADBadTagException.class);
  }
}
