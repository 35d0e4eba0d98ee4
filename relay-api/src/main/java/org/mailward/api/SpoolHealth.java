package org.mailward.api;

/**
 * How the spool is doing, cheap to read. Drives inbound backpressure: {@code BEHIND}
 * slows acceptance, {@code FULL}/{@code FAILED} answer {@code 452 4.3.1}.
 *
 * @param pendingCommits commits waiting for the next group sync
 * @param freeBytes free space on the spool's file system at the last check
 */
public record SpoolHealth(State state, int pendingCommits, long freeBytes) {
  public enum State { OK, BEHIND, FULL, FAILED }

  public boolean accepting() {
    return state == State.OK || state == State.BEHIND;
  }
}
