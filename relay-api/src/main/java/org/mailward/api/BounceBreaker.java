package org.mailward.api;

import java.util.Set;

/**
 * The hard-bounce circuit breaker, for operators (the admin API lists and resets it). A
 * recipient domain whose receiving servers answered "no such mailbox" too often in a short
 * window is tripped: its bounces suppress no recipient until an operator resets it. This port
 * only reads and resets; tripping is the implementation's business. In memory, per node.
 */
public interface BounceBreaker {

  /** Recipient domains whose breaker is open now (lower case). */
  Set<String> tripped();

  /** Closes the breaker of {@code domain}: its mailbox bounces suppress again. True when it was open. */
  boolean reset(String domain);
}
