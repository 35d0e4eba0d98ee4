package org.mailward.delivery.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An OutputStream over a Netty channel for a body-writer thread (never an event
 * loop): bytes are gathered into 16 KiB buffers, written, and the writer waits
 * while the channel is not writable, so at most the channel's high-water mark
 * of a body is in memory at once. Fails once the channel closes or the deadline passes.
 */
final class ChannelOutputStream extends OutputStream {
  private static final int CHUNK = 16 * 1024;
  private final Channel channel;
  private final SmtpClientHandler handler;
  private final long deadlineNanos;
  private ByteBuf buf;

  ChannelOutputStream(Channel channel, SmtpClientHandler handler, long deadlineNanos) {
    this.channel = channel;
    this.handler = handler;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void write(int b) throws IOException {
    ensure();
    buf.writeByte(b);
    if (buf.writableBytes() == 0) {
      send();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      ensure();
      int n = Math.min(len, buf.writableBytes());
      buf.writeBytes(b, off, n);
      off += n;
      len -= n;
      if (buf.writableBytes() == 0) {
        send();
      }
    }
  }

  @Override
  public void flush() throws IOException {
    if (buf != null && buf.readableBytes() > 0) {
      send();
    }
  }

  private void ensure() throws IOException {
    if (buf == null) {
      if (!channel.isActive()) {
        throw new Failures.WireFailure("connection closed during DATA", false);
      }
      buf = channel.alloc().buffer(CHUNK, CHUNK);
    }
  }

  private void send() throws IOException {
    ByteBuf out = buf;
    buf = null;
    channel.writeAndFlush(out);
    try {
      while (!channel.isWritable()) {
        if (!channel.isActive()) {
          throw new Failures.WireFailure("connection closed during DATA", false);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
          throw new Failures.WireFailure("DATA timed out", true);
        }
        handler.awaitWritable(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failures.WireFailure("interrupted during DATA", false);
    }
  }

  @Override
  public void close() {
    if (buf != null) {
      buf.release();
      buf = null;
    }
  }
}
