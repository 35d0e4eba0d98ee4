// Holders, besides the spool's keys column family, of blobs the master keyring wraps
// (the control-plane log's sealed records): the re-wrap pass asks each to re-wrap under
// the active key and destroys an older master key only when no holder still names it.
// Registration ends with complete(); until then the pass destroys nothing, so a key is
// never destroyed in the moments between the spool's start and the wiring of a holder.
// Does not: know what a holder stores or how (relay-app adapts each one).
package org.mailward.queue.crypto;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailward.api.MasterKeyring;

public final class WrappedKeyHolders {
  /** One holder: re-wraps what older keys wrap (durably), returns the master key ids it names afterwards. */
  @FunctionalInterface
  public interface Holder {
    Set<String> rewrapUnder(MasterKeyring ring);
  }

  private final List<Holder> holders = new CopyOnWriteArrayList<>();
  private volatile boolean complete;

  private WrappedKeyHolders(boolean complete) {
    this.complete = complete;
  }

  /** No holder besides the spool: older keys may be destroyed as soon as the spool no longer refers to them. */
  public static WrappedKeyHolders none() {
    return new WrappedKeyHolders(true);
  }

  /** Holders to come: nothing is destroyed before {@link #complete()}. */
  public static WrappedKeyHolders pending() {
    return new WrappedKeyHolders(false);
  }

  public WrappedKeyHolders add(Holder h) {
    holders.add(h);
    return this;
  }

  /** Every holder is registered. */
  public void complete() {
    complete = true;
  }

  boolean isComplete() {
    return complete;
  }

  /** Every holder re-wraps; the union of the master key ids they still name. */
  Set<String> rewrapAll(MasterKeyring ring) {
    Set<String> named = new HashSet<>();
    for (Holder h : holders) {
      named.addAll(h.rewrapUnder(ring));
    }
    return named;
  }
}
