package org.mailward.api;

import java.util.regex.Pattern;

/** A tenant's stable identifier: lower-case letters, digits, '-' and '_', 1 to 64 characters. */
public record TenantId(String value) {
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public TenantId {
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException("tenant id must match " + VALID.pattern());
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
