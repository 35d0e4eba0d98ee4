package org.mailward.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One sink connection: a minimal ESMTP receiver (EHLO with PIPELINING, SIZE,
 * 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES and STARTTLS) that counts messages,
 * recipients and bytes and keeps nothing: DATA is scanned for CRLF.CRLF and
 * dropped as it arrives. Replies are flushed once per read, so pipelined
 * commands cost one write. No AUTH, no BDAT, no relaying decisions.
 */
final class SinkSession extends ByteToMessageDecoder {
  private static final int MAX_LINE = 4096;

  private final SinkConfig config;
  private final SinkStats stats;
  private final SslContext tls;
  private final BooleanSupplier refusing;
  private final EndOfData end = new EndOfData();
  private boolean inData;
  private boolean secured;
  private boolean mail;
  private int rcpts;
  private long dataBytes;

  SinkSession(SinkConfig config, SinkStats stats, SslContext tls, BooleanSupplier refusing) {
    this.config = config;
    this.stats = stats;
    this.tls = tls;
    this.refusing = refusing;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    stats.connections.increment();
    ctx.writeAndFlush(ascii(ctx, "220 " + config.hostname() + " ESMTP load sink\r\n"));
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (inData) {
        int at = in.forEachByte(end);
        if (at < 0) {
          dataBytes += in.readableBytes();
          in.skipBytes(in.readableBytes());
          return;
        }
        dataBytes += at + 1 - in.readerIndex();
        in.readerIndex(at + 1);
        inData = false;
        stats.message(rcpts, dataBytes);
        reset();
        reply(ctx, "250 2.0.0 Ok: counted");
        continue;
      }
      int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
      if (eol < 0) {
        if (in.readableBytes() > MAX_LINE) {
          in.skipBytes(in.readableBytes());
          reply(ctx, "500 5.5.6 Line too long");
        }
        return;
      }
      String line = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.US_ASCII).strip();
      in.readerIndex(eol + 1);
      if (command(ctx, line, in)) {
        return;
      }
    }
  }

  /** Handles one command line; true when the rest of the input must be dropped (STARTTLS). */
  private boolean command(ChannelHandlerContext ctx, String line, ByteBuf in) {
    String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase();
    switch (verb) {
      case "EHLO" -> {
        reset();
        StringBuilder sb = new StringBuilder("250-" + config.hostname() + "\r\n250-PIPELINING\r\n250-SIZE 104857600\r\n"
            + "250-8BITMIME\r\n250-SMTPUTF8\r\n");
        if (tls != null && !secured) {
          sb.append("250-STARTTLS\r\n");
        }
        sb.append("250 ENHANCEDSTATUSCODES");
        reply(ctx, sb.toString());
      }
      case "HELO" -> {
        reset();
        reply(ctx, "250 " + config.hostname());
      }
      case "STAR" -> {
        if (tls == null || secured) {
          reply(ctx, "502 5.5.1 STARTTLS not available");
          return false;
        }
        in.skipBytes(in.readableBytes()); // nothing pipelined after STARTTLS survives (CVE-2011-0411 class)
        ctx.writeAndFlush(ascii(ctx, "220 2.0.0 Ready to start TLS\r\n"));
        ctx.pipeline().addFirst("tls", tls.newHandler(ctx.alloc()));
        secured = true;
        stats.tlsSessions.increment();
        reset();
        return true;
      }
      case "MAIL" -> {
        mail = true;
        rcpts = 0;
        reply(ctx, "250 2.1.0 Ok");
      }
      case "RCPT" -> {
        if (!mail) {
          reply(ctx, "503 5.5.1 MAIL first");
        } else if (refusing.getAsBoolean()) {
          stats.refusedRecipients.increment();
          reply(ctx, "451 4.3.2 Sink is refusing for now, try again later");
        } else {
          rcpts++;
          reply(ctx, "250 2.1.5 Ok");
        }
      }
      case "DATA" -> {
        if (!mail || rcpts == 0) {
          reply(ctx, "554 5.5.1 No valid recipients");
        } else {
          inData = true;
          dataBytes = 0;
          end.reset();
          reply(ctx, "354 End data with <CR><LF>.<CR><LF>");
        }
      }
      case "RSET" -> {
        reset();
        reply(ctx, "250 2.0.0 Ok");
      }
      case "NOOP" -> reply(ctx, "250 2.0.0 Ok");
      case "QUIT" -> {
        ctx.writeAndFlush(ascii(ctx, "221 2.0.0 Bye\r\n")).addListener(f -> ctx.close());
        in.skipBytes(in.readableBytes());
        return true;
      }
      default -> reply(ctx, "502 5.5.2 Command not recognized");
    }
    return false;
  }

  private void reset() {
    mail = false;
    rcpts = 0;
  }

  private static void reply(ChannelHandlerContext ctx, String text) {
    ctx.write(ascii(ctx, text + "\r\n"));
  }

  private static ByteBuf ascii(ChannelHandlerContext ctx, String s) {
    ByteBuf b = ctx.alloc().buffer(s.length());
    ByteBufUtil.writeAscii(b, s);
    return b;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    ctx.flush();
    super.channelReadComplete(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Finds CRLF.CRLF across buffer boundaries; DATA starts just after a CRLF. */
  static final class EndOfData implements ByteProcessor {
    private int state = 2;

    void reset() {
      state = 2;
    }

    @Override
    public boolean process(byte b) {
      switch (state) {
        case 0 -> state = b == '\r' ? 1 : 0;
        case 1 -> state = b == '\n' ? 2 : b == '\r' ? 1 : 0;
        case 2 -> state = b == '.' ? 3 : b == '\r' ? 1 : 0;
        case 3 -> state = b == '\r' ? 4 : 0;
        default -> {
          if (b == '\n') {
            state = 2;
            return false;
          }
          state = b == '\r' ? 1 : 0;
        }
      }
      return true;
    }
  }
}
