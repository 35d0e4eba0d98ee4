// Applies the logging.* keys to Logback once the configuration is read: the
// format (text lines, or one JSON object per line for log shippers), the root
// level and per-logger levels (Chronicle's start-up and file-growth chatter at
// WARN by default). Output goes to stderr, where systemd's journal collects it.
// Does not: decide what is logged (no address, subject or body is ever logged;
// EmailAddress.toString() is redacted) or rotate files (the journal does).
package org.mailward.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.mailward.app.config.MailwardConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process-wide: called by {@code mailward start} only (tests that start a Relay in-process keep logback.xml). */
final class LogSetup {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36}%X{sessionId: session=}%X{messageId: message=} - %msg%n";

  private LogSetup() {}

  static void apply(MailwardConfig.Logging logging) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J provider on the class path: leave it alone
    }
    ctx.reset();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder(ctx, logging.format()));
    appender.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(logging.level(), Level.INFO));
    root.addAppender(appender);
    logging.levels().forEach((name, level) -> ctx.getLogger(name).setLevel(Level.toLevel(level, Level.INFO)));
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, MailwardConfig.LogFormat format) {
    if (format == MailwardConfig.LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(ctx);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(ctx);
    text.setPattern(PATTERN);
    text.start();
    return text;
  }
}
