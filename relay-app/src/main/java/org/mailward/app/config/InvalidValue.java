package org.mailward.app.config;

/** Thrown by a configuration record's validation: names the offending key within that record. */
final class InvalidValue extends IllegalArgumentException {
  private final String key;

  InvalidValue(String key, String problem) {
    super(problem);
    this.key = key;
  }

  String key() {
    return key;
  }

  static void check(boolean ok, String key, String problem) {
    if (!ok) {
      throw new InvalidValue(key, problem);
    }
  }
}
