package org.mailward.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The inbound server's current AUTH lock-outs, for operators (the admin API lists
 * and clears them). A lock-out is per client address, or per user name from one
 * client address; never per user name alone, so nobody can lock a tenant out
 * from where it really sends. User names appear only as {@link Redactor} tokens.
 * In memory, per node.
 */
public interface AuthLockouts {

  /** Lock-outs in force now, oldest first. */
  List<Lockout> list();

  /** Lifts every lock-out of {@code clientAddress} (its own and its user pairs) and forgets their failures; how many were lifted. */
  int clear(String clientAddress);

  /** What is locked: the whole client address, or one user name from it. */
  enum Scope { CLIENT_ADDRESS, USER_AT_CLIENT_ADDRESS }

  /**
   * @param userToken the keyed token of the user name, for {@link Scope#USER_AT_CLIENT_ADDRESS}
   * @param failures failures counted in the window that led to it
   */
  record Lockout(Scope scope, String clientAddress, Optional<String> userToken, int failures, Instant since, Instant until) {}
}
