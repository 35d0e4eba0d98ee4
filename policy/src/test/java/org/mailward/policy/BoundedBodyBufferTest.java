package org.mailward.policy;

import org.mailward.api.ByteArrayPool;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  @Test
  void aBodyLargerThanABlock_spansBlocks_andReadsBackByteForByte() throws Exception {
    byte[] body = new byte[3 * BoundedBodyBuffer.BLOCK_BYTES + 123];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31 + 7);
    }
    BoundedBodyBuffer buffer = new BoundedBodyBuffer(1 << 20, new ByteArrayPool(BoundedBodyBuffer.BLOCK_BYTES, 8));
    for (int off = 0; off < body.length; off += 8191) { // chunks that straddle block boundaries
      buffer.add(ByteBuffer.wrap(body, off, Math.min(8191, body.length - off)));
    }
    InputStream in = buffer.stream();
    assertThat(in.available()).isEqualTo(body.length);
    assertThat(in.readAllBytes()).isEqualTo(body);
  }

  @Test
  void release_givesEachBlockBackOnce_andAReusedBlockShowsNoneOfTheLastBody() throws Exception {
    ByteArrayPool pool = new ByteArrayPool(BoundedBodyBuffer.BLOCK_BYTES, 8);
    BoundedBodyBuffer first = new BoundedBodyBuffer(1 << 20, pool);
    byte[] big = new byte[BoundedBodyBuffer.BLOCK_BYTES + 10];
    Arrays.fill(big, (byte) 'X');
    first.add(ByteBuffer.wrap(big));
    first.stream().readAllBytes();
    first.release();
    first.release(); // a second release gives nothing back twice
    assertThat(pool.idle()).isEqualTo(2);

    BoundedBodyBuffer second = new BoundedBodyBuffer(1 << 20, pool);
    second.add(bytes("short body"));
    assertThat(pool.idle()).isEqualTo(1);
    assertThat(new String(second.stream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("short body");
    second.release();
    assertThat(pool.idle()).isEqualTo(2);
  }

  @Test
  void thePool_keepsNoMoreIdleBlocksThanItsCap() {
    ByteArrayPool pool = new ByteArrayPool(BoundedBodyBuffer.BLOCK_BYTES, 1);
    byte[] a = pool.take();
    byte[] b = pool.take();
    pool.give(a);
    pool.give(b);
    assertThat(pool.idle()).isEqualTo(1);
    assertThat(pool.take()).isSameAs(a);
    assertThat(pool.take()).isNotSameAs(b); // b was dropped, a new block is allocated
  }
}
