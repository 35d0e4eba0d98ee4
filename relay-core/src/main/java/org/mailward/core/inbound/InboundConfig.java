package org.mailward.core.inbound;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The inbound server's part of the configuration tree: immutable, validated on
 * construction with messages that name the key. relay-app maps YAML onto it.
 *
 * @param hostname the server's name in the greeting, EHLO and Received header
 */
public record InboundConfig(
    String hostname,
    List<Listener> listeners,
    Tls tls,
    Limits limits,
    Timeouts timeouts,
    AuthThrottling authThrottling) {

  public InboundConfig {
    require(hostname != null && !hostname.isBlank() && hostname.matches("[A-Za-z0-9.-]+"), "inbound.hostname", "a host name");
    listeners = List.copyOf(listeners);
    require(!listeners.isEmpty(), "inbound.listeners", "at least one listener");
    require(listeners.stream().map(Listener::name).distinct().count() == listeners.size(), "inbound.listeners", "unique names");
  }

  /** Sensible defaults around the given host name, listeners and PEM files. */
  public static InboundConfig defaults(String hostname, List<Listener> listeners, Path certificateChain, Path privateKey) {
    return new InboundConfig(hostname, listeners, new Tls(certificateChain, privateKey, Duration.ofMinutes(1)),
        Limits.defaults(), Timeouts.defaults(), AuthThrottling.defaults());
  }

  public InboundConfig withLimits(Limits l) {
    return new InboundConfig(hostname, listeners, tls, l, timeouts, authThrottling);
  }

  public InboundConfig withTimeouts(Timeouts t) {
    return new InboundConfig(hostname, listeners, tls, limits, t, authThrottling);
  }

  public InboundConfig withAuthThrottling(AuthThrottling a) {
    return new InboundConfig(hostname, listeners, tls, limits, timeouts, a);
  }

  public enum Mode { STARTTLS, IMPLICIT_TLS }

  /** @param port 0 picks a free port (tests) */
  public record Listener(String name, String bindAddress, int port, Mode mode) {
    public Listener {
      require(name != null && name.matches("[a-z0-9-]{1,32}"), "inbound.listeners[].name", "lower-case letters, digits, '-'");
      require(bindAddress != null && !bindAddress.isBlank(), "inbound.listeners[" + name + "].bind", "an address");
      require(port >= 0 && port <= 65535, "inbound.listeners[" + name + "].port", "0..65535");
      require(mode != null, "inbound.listeners[" + name + "].mode", "STARTTLS or IMPLICIT_TLS");
    }
  }

  /**
   * @param certificateChain PEM, leaf first
   * @param privateKey PEM (PKCS#8)
   * @param reloadCheckInterval how often the files' modification times are checked; zero disables
   */
  public record Tls(Path certificateChain, Path privateKey, Duration reloadCheckInterval) {
    public Tls {
      require(certificateChain != null, "inbound.tls.certificate", "a PEM file");
      require(privateKey != null, "inbound.tls.key", "a PEM file");
      require(reloadCheckInterval != null && !reloadCheckInterval.isNegative(), "inbound.tls.reload-check-interval", "a duration >= 0");
    }
  }

  /**
   * @param maxMessageBytes server-wide size limit (tenants may have lower ones)
   * @param maxRecipients server-wide recipients per message
   * @param maxLineLength longest command line, without CRLF
   * @param maxErrors protocol errors per session before 421 and close
   * @param maxConnections connections in total
   * @param maxConnectionsPerIp connections from one client address
   * @param nullSenderPerMinute messages with the null sender {@code MAIL FROM:<>} per tenant and minute (burst: as many)
   */
  public record Limits(long maxMessageBytes, int maxRecipients, int maxLineLength, int maxErrors, int maxConnections,
      int maxConnectionsPerIp, int nullSenderPerMinute) {
    public Limits {
      require(maxMessageBytes >= 1024, "inbound.limits.max-message-bytes", ">= 1024");
      require(maxRecipients >= 1, "inbound.limits.max-recipients", ">= 1");
      require(maxLineLength >= 512, "inbound.limits.max-line-length", ">= 512 (RFC 5321)");
      require(maxErrors >= 1, "inbound.limits.max-errors", ">= 1");
      require(maxConnections >= 1, "inbound.limits.max-connections", ">= 1");
      require(maxConnectionsPerIp >= 1, "inbound.limits.max-connections-per-ip", ">= 1");
      require(nullSenderPerMinute >= 1, "inbound.limits.null-sender-per-minute", ">= 1");
    }

    public static Limits defaults() {
      return new Limits(50L * 1024 * 1024, 1000, 4096, 10, 2000, 200, 100);
    }
  }

  /**
   * @param idle no input for this long closes the session with 421 4.4.2
   * @param policy how long a policy decision may take before 451 4.3.0
   * @param drain how long graceful shutdown waits for transactions in progress (default for shutdown())
   */
  public record Timeouts(Duration idle, Duration policy, Duration drain) {
    public Timeouts {
      require(idle != null && idle.toMillis() > 0, "inbound.timeouts.idle", "a positive duration");
      require(policy != null && policy.toMillis() > 0, "inbound.timeouts.policy", "a positive duration");
      require(drain != null && !drain.isNegative(), "inbound.timeouts.drain", "a duration >= 0");
    }

    public static Timeouts defaults() {
      return new Timeouts(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
  }

  /**
   * @param maxFailuresPerIp failures from one address (any user names) within {@code window} before it is locked
   * @param maxFailuresPerUserAndIp failures for one user name from one address within {@code window} before that pair is locked
   * @param window the counting window; also how long a correct login keeps its (user, address) pair known-good
   * @param lockout how long a locked address or pair gets 454 4.7.0
   * @param failureDelay each failed attempt is answered this much later
   */
  public record AuthThrottling(int maxFailuresPerIp, int maxFailuresPerUserAndIp, Duration window, Duration lockout,
      Duration failureDelay) {
    public AuthThrottling {
      require(maxFailuresPerIp >= 1, "inbound.auth.max-failures-per-ip", ">= 1");
      require(maxFailuresPerUserAndIp >= 1, "inbound.auth.max-failures-per-user-and-ip", ">= 1");
      require(window != null && window.toMillis() > 0, "inbound.auth.window", "a positive duration");
      require(lockout != null && !lockout.isNegative(), "inbound.auth.lockout", "a duration >= 0");
      require(failureDelay != null && !failureDelay.isNegative(), "inbound.auth.failure-delay", "a duration >= 0");
    }

    public static AuthThrottling defaults() {
      return new AuthThrottling(10, 5, Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofSeconds(1));
    }
  }

  private static void require(boolean ok, String key, String what) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": must be " + what);
    }
  }
}
