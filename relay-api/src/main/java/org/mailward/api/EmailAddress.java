package org.mailward.api;

import java.util.Locale;
import java.util.Optional;

/**
 * A mailbox as it travels in the envelope: local part and domain. The domain is
 * kept in lower case (ASCII or U-label as given). Never log one: use a
 * {@link Redactor}.
 */
public record EmailAddress(String localPart, String domain) {
  public static final int MAX_LOCAL_PART = 64;
  public static final int MAX_DOMAIN = 255;

  public EmailAddress {
    if (localPart.isEmpty() || localPart.length() > MAX_LOCAL_PART) {
      throw new IllegalArgumentException("local part must have 1 to 64 characters");
    }
    if (domain.isEmpty() || domain.length() > MAX_DOMAIN) {
      throw new IllegalArgumentException("domain must have 1 to 255 characters");
    }
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code local@domain} (no angle brackets). Accepts a dot-atom or
   * quoted-string local part and a domain of labels or an address literal.
   * Non-ASCII is accepted only when {@code utf8} is true (SMTPUTF8).
   */
  public static Optional<EmailAddress> parse(String text, boolean utf8) {
    int at = text.lastIndexOf('@');
    if (at <= 0 || at == text.length() - 1) {
      return Optional.empty();
    }
    String local = text.substring(0, at);
    String domain = text.substring(at + 1);
    if (!validLocal(local, utf8) || !validDomain(domain, utf8)) {
      return Optional.empty();
    }
    if (local.length() > MAX_LOCAL_PART || domain.length() > MAX_DOMAIN) {
      return Optional.empty();
    }
    return Optional.of(new EmailAddress(local, domain));
  }

  /** The form used for consent and suppression keys: the whole address in lower case. */
  public String normalized() {
    return localPart.toLowerCase(Locale.ROOT) + "@" + domain;
  }

  /** True when any character is outside US-ASCII (needs SMTPUTF8). */
  public boolean isInternational() {
    return !isAscii(localPart) || !isAscii(domain);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }

  private static boolean validLocal(String local, boolean utf8) {
    if (local.startsWith("\"")) {
      if (local.length() < 2 || !local.endsWith("\"")) {
        return false;
      }
      for (int i = 1; i < local.length() - 1; i++) {
        char c = local.charAt(i);
        if (c == '\\') {
          i++;
          if (i >= local.length() - 1) {
            return false;
          }
          continue;
        }
        if (c < 32 || c == 127 || c == '"' || (c > 127 && !utf8)) {
          return false;
        }
      }
      return true;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return false;
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0 || (c > 127 && utf8 && !Character.isISOControl(c));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean validDomain(String domain, boolean utf8) {
    if (domain.startsWith("[")) {
      return domain.endsWith("]") && domain.length() > 2
          && domain.substring(1, domain.length() - 1).chars().allMatch(c -> c > 32 && c < 127 && c != '[' && c != ']' && c != '\\');
    }
    String[] labels = domain.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || (c > 127 && utf8 && Character.isLetterOrDigit(c));
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /** The address as it goes on the wire: {@code local@domain}. */
  public String asString() {
    return localPart + "@" + domain;
  }

  /**
   * Deliberately not the address, so that a record holding one can never leak
   * it into a log line by accident. Use {@link #asString()} for the wire.
   */
  @Override
  public String toString() {
    return "EmailAddress[redacted]";
  }
}
