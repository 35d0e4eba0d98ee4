package org.mailward.app;

import java.util.Map;
import java.util.Optional;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Tenant;
import org.mailward.api.TenantDirectory;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.MailwardConfig;

/**
 * The tenants of the {@code tenants} list of the configuration, validated. The
 * running relay serves them through admin-api's live {@code TenantRegistry}
 * (configured tenants plus those of the control-plane log). Immutable maps.
 */
final class ConfiguredTenants implements TenantDirectory {
  private final Map<String, Tenant> byUsername;
  private final Map<TenantId, Tenant> byId;

  ConfiguredTenants(Iterable<Tenant> tenants) {
    Map<String, Tenant> users = new java.util.HashMap<>();
    Map<TenantId, Tenant> ids = new java.util.HashMap<>();
    for (Tenant t : tenants) {
      if (users.put(t.smtpUsername(), t) != null) {
        throw new IllegalArgumentException("two tenants share the username of tenant " + t.id());
      }
      if (ids.put(t.id(), t) != null) {
        throw new IllegalArgumentException("duplicate tenant id " + t.id());
      }
    }
    this.byUsername = Map.copyOf(users);
    this.byId = Map.copyOf(ids);
  }

  /** Converts and validates the configured tenants; errors name {@code tenants[i].key}. */
  static ConfiguredTenants from(MailwardConfig config, String source) {
    java.util.List<Tenant> out = new java.util.ArrayList<>();
    for (int i = 0; i < config.tenants().size(); i++) {
      MailwardConfig.TenantEntry e = config.tenants().get(i);
      String at = "tenants[" + i + "]";
      TenantId id = parse(at + ".id", source, () -> new TenantId(e.id()));
      require(e.username() != null && !e.username().isBlank(), at + ".username", source, "must not be empty");
      require(e.passwordHash() != null && e.passwordHash().startsWith("$"), at + ".passwordHash", source,
          "must be a PHC hash made by 'bin/mailward hash-password' (starting with $argon2id$ or $pbkdf2-sha256$)");
      require(!e.senderDomains().isEmpty(), at + ".senderDomains", source, "must list at least one domain");
      Purpose purpose = parse(at + ".defaultPurpose", source, () -> Purpose.fromLabel(e.defaultPurpose()));
      SecurityLevel level = parse(at + ".securityLevel", source, () -> SecurityLevel.fromLabel(e.securityLevel()));
      TlsFallback fallback = parse(at + ".fallback", source,
          () -> TlsFallback.valueOf(e.fallback().trim().toUpperCase(java.util.Locale.ROOT)));
      TenantLimits limits = parse(at, source, () -> new TenantLimits(e.maxRecipients(), e.maxMessageSize().bytes(),
          e.maxConnections(), e.messagesPerSecond()));
      out.add(new Tenant(id, e.username(), e.passwordHash(), java.util.Set.copyOf(e.senderDomains()), limits, purpose,
          level, fallback));
    }
    try {
      return new ConfiguredTenants(out);
    } catch (IllegalArgumentException ex) {
      throw new ConfigException("tenants", source, ex.getMessage());
    }
  }

  private static <T> T parse(String key, String source, java.util.function.Supplier<T> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException | NullPointerException ex) {
      throw new ConfigException(key, source, ex.getMessage() == null ? "invalid value" : ex.getMessage());
    }
  }

  private static void require(boolean ok, String key, String source, String problem) {
    if (!ok) {
      throw new ConfigException(key, source, problem);
    }
  }

  @Override
  public Optional<Tenant> byUsername(String smtpUsername) {
    return Optional.ofNullable(byUsername.get(smtpUsername));
  }

  @Override
  public Optional<Tenant> byId(TenantId id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every configured tenant (the live directory starts from these). */
  java.util.Collection<Tenant> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }
}
