package org.mailward.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * What the counting sink does: where it listens (127.0.0.0/8 only), whether it
 * offers STARTTLS, how long it runs (zero: until killed or told {@code stop}),
 * how often it prints a tick line, and an optional file whose existence makes
 * it answer RCPT with 4xx (the P4 backlog profile).
 */
record SinkConfig(String bind, int port, boolean tls, Duration duration, Duration tick, Path refuseFile, String hostname) {

  static final Set<String> OPTIONS = Set.of("bind", "port", "duration", "tick", "refuse-while-file", "hostname");
  static final Set<String> FLAGS = Set.of("no-tls");

  SinkConfig {
    if (!bind.startsWith("127.")) {
      throw new IllegalArgumentException("the sink only listens on 127.0.0.0/8, not " + bind);
    }
  }

  static SinkConfig from(Args a) {
    String refuse = a.string("refuse-while-file", "");
    return new SinkConfig(a.string("bind", "127.0.0.1"), a.integer("port", 0), !a.flag("no-tls"),
        a.duration("duration", Duration.ZERO), a.duration("tick", Duration.ofSeconds(1)),
        refuse.isEmpty() ? null : Path.of(refuse), a.string("hostname", "sink.test"));
  }

  static SinkConfig loopback(boolean tls) {
    return new SinkConfig("127.0.0.1", 0, tls, Duration.ZERO, Duration.ZERO, null, "sink.test");
  }
}
