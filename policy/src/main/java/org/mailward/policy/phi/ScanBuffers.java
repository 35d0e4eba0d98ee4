package org.mailward.policy.phi;

/**
 * Per-thread scratch for PHI scans ({@link ScanScratch}): the threads that run scans (a bounded
 * policy executor) each keep one set of arrays and reuse it message after message, instead of
 * allocating a part's bytes and text afresh each time. One instance is shared by every {@link
 * PhiDetector} of an engine, so a thread holds one set (at most about 3 MB, see {@link
 * ScanScratch#KEEP_BYTES}), not one per tenant. A set serves one scan at a time: a scan that starts
 * while its thread's set is in use (re-entry) gets a fresh set of its own. Thread-safe.
 */
public final class ScanBuffers {
  private final ThreadLocal<ScanScratch> perThread = ThreadLocal.withInitial(ScanScratch::new);

  public ScanBuffers() {
    // nothing to set up: sets are made on first use, per thread
  }

  /** This thread's set, marked in use; give it back with {@link #release}. */
  ScanScratch acquire() {
    ScanScratch s = perThread.get();
    if (s.busy) {
      return new ScanScratch();
    }
    s.busy = true;
    return s;
  }

  /** Ends the scan that acquired {@code s}; nothing of it may be used afterwards. */
  void release(ScanScratch s) {
    s.trim();
    s.busy = false;
  }
}
