package org.mailward.core.inbound;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.api.MessageId;
import org.mailward.api.SpoolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How relay-core reports an exception it catches on an asynchronous or hot path
 * and turns into a reply instead of rethrowing: one log line and one count
 * ({@code mailward_inbound_caught_exceptions_total}). The line says where, the
 * message id if there is one, and the exception's class chain; a message text
 * only from I/O and spool exceptions (operating-system and storage wording),
 * never from others, which might quote an address. Thread-safe.
 */
public final class CaughtFailures {
  private static final Logger LOG = LoggerFactory.getLogger(CaughtFailures.class);
  private final LongAdder count;

  public CaughtFailures(LongAdder count) {
    this.count = count;
  }

  /** A failure that changes what the client is told (a 4xx instead of an answer): logged at WARN. */
  public void record(String where, Optional<MessageId> id, Throwable t) {
    count.increment();
    LOG.warn("{} failed{}: {}", where, id.map(i -> " for message " + i).orElse(""), describe(t));
  }

  /** A routine failure (a client dropping its connection): counted, logged at INFO. */
  public void routine(String where, Throwable t) {
    count.increment();
    LOG.info("{}: {}", where, describe(t));
  }

  /** Class names from the outermost to the root cause, with the texts of I/O and spool exceptions only. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 400; c = c.getCause() == c ? null : c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if ((c instanceof IOException || c instanceof UncheckedIOException || c instanceof SpoolException) && c.getMessage() != null) {
        sb.append(" (").append(c.getMessage()).append(')');
      }
    }
    return sb.toString();
  }
}
