package org.mailward.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;

/** Reads {@code 30s}, {@code 5m}, {@code PT5M}, or a bare number of seconds. */
final class DurationDeserializer extends StdScalarDeserializer<Duration> {
  DurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return Duration.ofSeconds(p.getLongValue());
    }
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
    }
    try {
      return Units.duration(p.getText());
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p, e.getMessage(), p.getText(), Duration.class);
    }
  }
}
