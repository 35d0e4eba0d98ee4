package org.mailward.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mailward.admin.AdminApi;
import org.mailward.admin.AdminServer;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.admin.health.HealthRoutes;
import org.mailward.admin.http.PemTrust;
import org.mailward.api.AuditJournal;
import org.mailward.api.AuthLockouts;
import org.mailward.api.BounceBreaker;
import org.mailward.api.Destinations;
import org.mailward.api.DkimKeys;
import org.mailward.api.PolicyEngine;
import org.mailward.api.QueueControl;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.MailwardConfig;
import org.mailward.core.auth.PasswordHasher;
import org.mailward.portal.PemKeyStore;

/**
 * The admin API as the relay runs it: settings from {@code admin.*}, TLS from PEM files through the
 * portal's {@link PemKeyStore}, client CAs through the JDK, the token file (an admin token is
 * printed once when the file does not exist yet), and SMTP credential hashes made with the inbound
 * server's Argon2id {@link PasswordHasher}.
 */
final class AdminEndpoint implements AutoCloseable {
  private final AdminApi api;
  private final InetSocketAddress address;

  private AdminEndpoint(AdminApi api) {
    this.api = api;
    this.address = api.start();
  }

  static Path tokenFile(MailwardConfig config, ModuleConfigs modules) {
    return modules.resolve(config.admin().tokenFile(), modules.dataDir().resolve("keys").resolve("admin-tokens"));
  }

  static Optional<AdminEndpoint> startIfEnabled(MailwardConfig config, ModuleConfigs modules, String source,
      ControlPlane controlPlane, PolicyEngine policy, Optional<QueueControl> queue, AuthLockouts lockouts,
      Optional<? extends BounceBreaker> breaker, Optional<Destinations> destinations, Optional<? extends DkimKeys> dkim,
      AuditJournal audit,
      Supplier<Map<String, HealthRoutes.Check>> readiness, Clock clock, PrintStream out) throws IOException {
    MailwardConfig.Admin a = config.admin();
    if (!a.enabled()) {
      return Optional.empty();
    }
    AdminTokens tokens = new AdminTokens(tokenFile(config, modules), clock);
    if (!tokens.exists()) {
      AdminTokens.Created first = tokens.create(Role.ADMIN, Optional.empty());
      out.println("Admin API token created (role admin). It is shown once; keep it like a password:");
      out.println("  admin token: " + first.token());
    }
    AdminServer.Settings settings;
    try {
      settings = settings(a, modules);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("admin.address", source, e.getMessage());
    }
    PasswordHasher hasher = new PasswordHasher();
    AdminApi api = new AdminApi(settings, new AdminApi.Limits(a.maxImportSize().bytes(), a.throttle().maxFailures(),
        a.throttle().window(), a.throttle().lockout()), tokens,
        new AdminApi.Ports(controlPlane.log(), controlPlane.tenants(), controlPlane.consent(), audit, controlPlane.importJobs(),
            hasher::hash, readiness, queue, Optional.of(policy), Optional.of(lockouts),
            breaker.map(BounceBreaker.class::cast), controlPlane.destinationPolicies(), controlPlane.dkimKeys(), destinations,
            dkim.map(DkimKeys.class::cast)), clock);
    return Optional.of(new AdminEndpoint(api));
  }

  static AdminServer.Settings settings(MailwardConfig.Admin a, ModuleConfigs modules) throws IOException {
    Optional<KeyStore> ks = Optional.empty();
    char[] password = new char[0];
    if (!a.tls().certificate().isBlank() || !a.tls().key().isBlank()) {
      PemKeyStore.Loaded loaded = PemKeyStore.load(modules.resolve(a.tls().certificate(), null), modules.resolve(a.tls().key(), null));
      ks = Optional.of(loaded.keyStore());
      password = loaded.password();
    }
    Optional<KeyStore> trust = Optional.empty();
    if (!a.tls().clientCa().isBlank()) {
      trust = Optional.of(PemTrust.load(modules.resolve(a.tls().clientCa(), null)));
    }
    AdminServer.ClientAuth auth = trust.isEmpty() ? AdminServer.ClientAuth.NONE
        : a.tls().clientAuth().equals("want") ? AdminServer.ClientAuth.WANT : AdminServer.ClientAuth.NEED;
    return new AdminServer.Settings(a.address(), a.port(), ks, password, trust, auth, a.maxImportSize().bytes() + 1024, 16,
        Duration.ofSeconds(60));
  }

  InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    api.close();
  }
}
