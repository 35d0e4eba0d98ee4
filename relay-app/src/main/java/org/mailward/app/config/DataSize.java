package org.mailward.app.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A size in bytes, written in configuration as {@code 65536}, {@code 64KB}, {@code 50MB} or {@code 1GB}. */
public record DataSize(long bytes) {
  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }

  @JsonCreator
  public static DataSize parse(String text) {
    return new DataSize(Units.size(text));
  }

  @JsonCreator
  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  @JsonValue
  public long json() {
    return bytes;
  }
}
