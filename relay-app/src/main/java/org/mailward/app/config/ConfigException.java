package org.mailward.app.config;

/**
 * A configuration error that stops start-up. The message always names the key
 * (dotted path) and where the value came from (the file, or the environment
 * variable that overrode it).
 */
public final class ConfigException extends RuntimeException {
  private final String key;
  private final String source;

  public ConfigException(String key, String source, String problem) {
    super(source + ": " + (key.isEmpty() ? "" : "key '" + key + "': ") + problem);
    this.key = key;
    this.source = source;
  }

  public String key() {
    return key;
  }

  public String source() {
    return source;
  }
}
