package org.mailward.bench.load;

import java.time.Duration;
import java.util.Set;

/**
 * What one injector run does: where to connect, TLS and AUTH, how many
 * concurrent sessions, how many messages per connection, message shape, and
 * when to stop (a message count, a duration, or whichever comes first).
 *
 * @param count messages to send in total; 0 = no limit (then {@code duration} must be set)
 * @param duration how long to keep starting messages; zero = no limit
 * @param idleConnections extra sessions that connect, STARTTLS, AUTH and then sit idle until the end (P5)
 * @param replyTimeout a session waiting longer than this for a reply is closed and counted as an error
 * @param attachmentSize bytes of the PDF attached to every message (P6); 0 = none
 * @param rate messages per second over all sessions (open loop, paced); 0 = each session sends its next
 *     message as soon as the previous one is answered (closed loop, finds the peak)
 */
record InjectorConfig(
    String host,
    int port,
    boolean startTls,
    String username,
    String password,
    int connections,
    int messagesPerConnection,
    long count,
    Duration duration,
    int messageSize,
    int attachmentSize,
    int recipientsPerMessage,
    String sender,
    String recipientDomain,
    int recipientSpace,
    int idleConnections,
    String ehloName,
    Duration replyTimeout,
    boolean pipelining,
    double rate) {

  static final Set<String> OPTIONS = Set.of("host", "port", "user", "password", "connections", "messages-per-connection",
      "count", "duration", "size", "attachment", "recipients", "from", "rcpt-domain", "rcpt-space", "idle-connections", "ehlo",
      "reply-timeout", "rate");
  static final Set<String> FLAGS = Set.of("starttls", "no-pipelining");

  InjectorConfig {
    if (count <= 0 && duration.isZero()) {
      throw new IllegalArgumentException("give --count or --duration (or both): a run must stop by itself");
    }
    if (connections < 1 || messagesPerConnection < 1 || recipientsPerMessage < 1 || recipientSpace < 1) {
      throw new IllegalArgumentException("connections, messages-per-connection, recipients and rcpt-space must be >= 1");
    }
    if (!host.startsWith("127.")) {
      throw new IllegalArgumentException("the load tools only talk to 127.0.0.0/8, not " + host);
    }
  }

  static InjectorConfig from(Args a) {
    return new InjectorConfig(
        a.string("host", "127.0.0.1"),
        a.integer("port", 2587),
        a.flag("starttls"),
        a.string("user", ""),
        a.string("password", ""),
        a.integer("connections", 8),
        a.integer("messages-per-connection", 100),
        a.longValue("count", 0),
        a.duration("duration", Duration.ZERO),
        a.size("size", 4 * 1024),
        a.size("attachment", 0),
        a.integer("recipients", 1),
        a.string("from", "news@clinic.example"),
        a.string("rcpt-domain", "patients.example"),
        a.integer("rcpt-space", 100_000),
        a.integer("idle-connections", 0),
        a.string("ehlo", "injector.test"),
        a.duration("reply-timeout", Duration.ofSeconds(60)),
        !a.flag("no-pipelining"),
        Double.parseDouble(a.string("rate", "0")));
  }

  String recipient(long index) {
    return "p" + (index % recipientSpace) + "@" + recipientDomain;
  }
}
