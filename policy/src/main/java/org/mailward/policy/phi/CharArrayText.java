package org.mailward.policy.phi;

import java.util.Objects;

/**
 * A read-only view of {@code chars[0, length)}, typically of a {@link ScanScratch} array, so a
 * decoded or HTML-stripped part can be scanned without first being copied into a {@code String}.
 * Valid only while the scan that owns the array runs: never keep one past it. Not a value type.
 */
final class CharArrayText implements CharSequence {
  private final char[] chars;
  private final int length;

  CharArrayText(char[] chars, int length) {
    Objects.checkFromToIndex(0, length, chars.length);
    this.chars = chars;
    this.length = length;
  }

  /** The backing array; only {@code [0, length())} is this text. */
  char[] array() {
    return chars;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    return chars[Objects.checkIndex(index, length)];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    Objects.checkFromToIndex(start, end, length);
    return new String(chars, start, end - start);
  }

  @Override
  public String toString() {
    return new String(chars, 0, length);
  }
}
