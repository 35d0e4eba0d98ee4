package org.mailward.api;

import java.time.Instant;

/**
 * The one door for control-plane changes: an ordered, versioned log of {@link ChangeRecord}s that
 * every node applies to its local stores in order. Single node: a local, durable log. Several
 * nodes (later): a shared distributed log; nothing that calls this port may assume either.
 *
 * <p>Versions start at 1 and grow by one per record. A subscriber sees every record after the
 * version it asked for, exactly in version order, once per subscription; it remembers what it has
 * applied (a crash between apply and remember re-delivers, so applying must be idempotent or
 * harmless to repeat).
 */
public interface ControlPlaneLog {

  /**
   * Appends a change, durable on return, and returns its version. The local implementation has
   * also delivered it to this node's subscribers when this returns (read-your-writes); a
   * distributed one may not, and callers that need it wait with {@link #awaitApplied}.
   */
  long append(Entry.Actor actor, ChangeRecord change);

  /** Delivers records after {@code afterVersion} (0: all), then every new one, in order. */
  void subscribe(long afterVersion, Subscriber subscriber);

  /** The newest version appended (0 when empty). */
  long latestVersion();

  /** Returns once every subscriber of this node has applied {@code version}, or throws after a bounded wait. */
  void awaitApplied(long version) throws InterruptedException;

  @FunctionalInterface
  interface Subscriber {
    void apply(Entry entry);
  }

  /**
   * A record as logged.
   *
   * @param actor who made the change (an admin token id, or {@code system})
   */
  record Entry(long version, Instant at, Actor actor, ChangeRecord change) {
    /** An admin token's id (never the token) or a built-in actor such as {@code system}. */
    public record Actor(String id) {}
  }
}
