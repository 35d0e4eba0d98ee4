package org.mailward.delivery.dsn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.mailward.api.Envelope;
import org.mailward.api.MessageWriter;
import org.mailward.api.Spool;

/**
 * Puts a message Mailward itself made (a DSN, a portal notice) into the spool
 * the way the inbound server does: begin, stream the content in chunks, commit.
 * Reading the content may block, so it runs on the given executor. On any
 * failure the writer is aborted and nothing of the message remains.
 */
public final class Injector {
  private final Spool spool;
  private final Executor executor;

  public Injector(Spool spool, Executor executor) {
    this.spool = spool;
    this.executor = executor;
  }

  /** Source of the message text; opened once. */
  @FunctionalInterface
  public interface Content {
    InputStream open() throws IOException;
  }

  public CompletionStage<Void> inject(Envelope envelope, Content content) {
    return CompletableFuture.supplyAsync(() -> {
      MessageWriter w = spool.begin(envelope.id());
      try (InputStream in = content.open()) {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          w.write(ByteBuffer.wrap(buf, 0, n));
        }
        return w;
      } catch (IOException | RuntimeException e) {
        w.abort();
        throw new java.util.concurrent.CompletionException(e);
      }
    }, executor).thenCompose(w -> w.commit(envelope, List.of()).whenComplete((v, e) -> {
      if (e != null) {
        w.abort();
      }
    }));
  }
}
