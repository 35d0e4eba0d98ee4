package org.mailward.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedBodyBufferTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void keptChunks_readBackInOrder_withTheRestAsAvailable() throws Exception {
    BoundedBodyBuffer buffer = new BoundedBodyBuffer(1024);
    buffer.add(bytes("Subject: x\r\n"));
    buffer.add(bytes(""));
    buffer.add(bytes("\r\nbody"));
    InputStream in = buffer.stream();
    assertThat(in.available()).isEqualTo(18);
    assertThat(in.read()).isEqualTo('S');
    byte[] two = new byte[2];
    assertThat(in.read(two, 0, 2)).isEqualTo(2);
    assertThat(in.available()).isEqualTo(15);
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ject: x\r\n\r\nbody");
    assertThat(in.read()).isEqualTo(-1);
    assertThat(buffer.truncated()).isFalse();
  }

  @Test
  void bytesBeyondTheBudget_areDropped_andMarkTheScanTruncated() throws Exception {
    BoundedBodyBuffer buffer = new BoundedBodyBuffer(6);
    ByteBuffer chunk = bytes("abcd");
    buffer.add(chunk);
    buffer.add(bytes("efgh"));
    assertThat(chunk.remaining()).isEqualTo(4); // the caller's buffer is left as it was
    assertThat(buffer.truncated()).isTrue();
    assertThat(new String(buffer.stream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("abcdef");
  }
}
