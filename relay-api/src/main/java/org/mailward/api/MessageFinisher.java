package org.mailward.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Prepares a spooled message for the wire: applies the envelope's header edits
 * and, when asked, DKIM-signs the result. Implemented by the policy module,
 * called by the delivery side once per message per delivery attempt.
 */
public interface MessageFinisher {
  Prepared prepare(Envelope envelope, BodySource body) throws IOException;

  /**
   * The message as it will be sent, streamable without being held whole. It may
   * hold the spooled body open from {@code prepare} (one pass instead of two);
   * the caller closes it after writing.
   */
  interface Prepared extends java.io.Closeable {
    void writeTo(OutputStream out) throws IOException;

    @Override
    default void close() throws IOException {}
  }

  /** Sends the body as it is (no edits, no signature). */
  static MessageFinisher passThrough() {
    return (envelope, body) -> out -> {
      try (var in = body.open()) {
        in.transferTo(out);
      }
    };
  }
}
