package org.mailward.api;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A customer of the relay (a covered entity or an agency acting for one).
 *
 * @param smtpUsername the AUTH identity; {@code apikey}-style names are fine
 * @param passwordHash a PHC-format hash ({@code $argon2id$...} or {@code $pbkdf2-sha256$...}); never the password
 * @param senderDomains the domains this tenant may use in MAIL FROM (lower case)
 */
public record Tenant(
    TenantId id,
    String smtpUsername,
    String passwordHash,
    Set<String> senderDomains,
    TenantLimits limits,
    Purpose defaultPurpose,
    SecurityLevel defaultLevel,
    TlsFallback fallback) {

  public Tenant {
    senderDomains = senderDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether this tenant may send as {@code domain} (exact match, or a subdomain of a listed domain). */
  public boolean maySendAs(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    for (String allowed : senderDomains) {
      if (d.equals(allowed) || d.endsWith("." + allowed)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Tenant[" + id + "]";
  }
}
