package org.mailward.delivery.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.mailward.api.SmtpReply;

/**
 * The last handler of an outbound connection: completes the waiting reply
 * futures in order (which is all client-side PIPELINING needs), fails them all
 * when the connection drops, and wakes a body writer waiting for writability.
 * An unsolicited reply, or raw bytes left over from before a STARTTLS handshake,
 * closes the connection: nothing read in plaintext may be taken as a reply under TLS.
 */
final class SmtpClientHandler extends ChannelInboundHandlerAdapter {
  private final Queue<CompletableFuture<SmtpReply>> pending = new ConcurrentLinkedQueue<>();
  private final Object writable = new Object();
  private volatile Throwable closedBecause;

  /** Registers the next expected reply. Call before writing the command. */
  CompletableFuture<SmtpReply> expect() {
    CompletableFuture<SmtpReply> f = new CompletableFuture<>();
    Throwable closed = closedBecause;
    if (closed != null) {
      f.completeExceptionally(closed);
      return f;
    }
    pending.add(f);
    return f;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SmtpResponse r) {
        CompletableFuture<SmtpReply> f = pending.poll();
        if (f == null) {
          fail(new Failures.ProtocolFailure("unsolicited reply from peer"));
          ctx.close();
          return;
        }
        try {
          f.complete(Replies.from(r));
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
          ctx.close();
        }
      } else if (msg instanceof ByteBuf) {
        fail(new Failures.ProtocolFailure("bytes from before TLS left over after STARTTLS"));
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    synchronized (writable) {
      writable.notifyAll();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** Blocks the calling (non-event-loop) thread until the channel can take more, or {@code millis} pass. */
  void awaitWritable(long millis) throws InterruptedException {
    synchronized (writable) {
      writable.wait(millis);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(new IOException("connection closed by peer"));
    synchronized (writable) {
      writable.notifyAll();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
    ctx.close();
  }

  private void fail(Throwable cause) {
    if (closedBecause == null) {
      closedBecause = cause;
    }
    CompletableFuture<SmtpReply> f;
    while ((f = pending.poll()) != null) {
      f.completeExceptionally(cause);
    }
  }
}
