// Validates a whole configuration file the way a start would use it, without
// starting anything or writing a byte: every section is mapped onto its module's
// configuration record, and every file the relay would load is loaded — inbound,
// unsubscribe and admin TLS pairs, outbound and DANE trust anchors, each tenant's
// DKIM key (with its passphrase from the environment), routes, metrics groups.
// The first problem is a ConfigException naming the key and the file. Used by
// `mailward check-config` and before a SIGHUP reload applies anything.
// Does not: check that ports are free or that peers answer (a start does).
package org.mailward.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.mailward.app.config.ConfigException;
import org.mailward.app.config.MailwardConfig;
import org.mailward.app.metrics.DestinationGroups;
import org.mailward.delivery.DeliveryConfig;
import org.mailward.delivery.tls.TrustAnchors;
import org.mailward.policy.PolicyConfig;
import org.mailward.policy.dkim.DkimFinisher;
import org.mailward.portal.PemKeyStore;

/** Stateless. */
final class ConfigCheck {
  private ConfigCheck() {}

  /** What a valid file configures, for the one-line answer of check-config. */
  record Summary(int tenants, int routes, int dkimKeys) {}

  static Summary validate(MailwardConfig config, String source, Map<String, String> env) {
    ModuleConfigs modules = new ModuleConfigs(config, source, env);
    ConfiguredTenants tenants = ConfiguredTenants.from(config, source);
    modules.spool();
    Path[] inboundTls = new Path[2];
    if (!config.inbound().tls().certificate().isBlank() || !config.inbound().tls().key().isBlank()) {
      inboundTls[0] = modules.resolve(config.inbound().tls().certificate(), null);
      inboundTls[1] = modules.resolve(config.inbound().tls().key(), null);
      tlsPair("inbound.tls", inboundTls[0], inboundTls[1], source);
    }
    modules.inbound(Path.of("certificate.pem"), Path.of("key.pem"));
    DeliveryConfig delivery = modules.delivery();
    check("delivery.tls.trustAnchors", source, () -> TrustAnchors.load(delivery.tls().trustAnchors(),
        delivery.tls().trustAnchorsPassword()));
    delivery.dane().trustAnchors().ifPresent(p -> readable("delivery.dane.trustAnchors", p, source));
    PolicyConfig policy = modules.policy(new SecretRing.Secrets(new byte[32], java.util.List.of()));
    int dkim = 0;
    for (int i = 0; i < config.tenants().size(); i++) {
      var id = new org.mailward.api.TenantId(config.tenants().get(i).id());
      var tp = policy.tenants().get(id);
      if (tp != null && tp.dkim().isPresent()) {
        PolicyConfig one = new PolicyConfig(policy.global(), Map.of(id, tp));
        check("tenants[" + i + "].policy.dkim.keyFile", source, () -> {
          try {
            return DkimFinisher.fromConfig(one, Clock.systemUTC());
          } catch (IOException e) {
            throw new IllegalArgumentException(tp.dkim().get().keyPem() + ": " + e.getMessage(), e);
          }
        });
        dkim++;
      }
    }
    if (!config.policy().tokenSecretFile().isBlank()) {
      Path secret = modules.resolve(config.policy().tokenSecretFile(), null);
      if (Files.exists(secret)) {
        readable("policy.tokenSecretFile", secret, source);
      }
    }
    if (!config.policy().dkimPassphraseEnv().isBlank()) {
      modules.dkimPassphrase(); // names policy.dkimPassphraseEnv when the variable is unusable
    }
    modules.check("metrics.destinationGroups", () -> new DestinationGroups(config.metrics().destinationGroups()));
    MailwardConfig.UnsubscribeEndpoint u = config.unsubscribe();
    if (u.enabled() && (!u.certificate().isBlank() || inboundTls[0] != null)) {
      tlsPair("unsubscribe", modules.resolve(u.certificate(), inboundTls[0]), modules.resolve(u.key(), inboundTls[1]), source);
    }
    if (config.admin().enabled()) {
      check("admin.tls", source, () -> {
        try {
          return AdminEndpoint.settings(config.admin(), modules);
        } catch (IOException e) {
          throw new IllegalArgumentException(e.getMessage(), e);
        }
      });
    }
    return new Summary(tenants.size(), config.delivery().routes().size(), dkim);
  }

  private static void tlsPair(String key, Path certificate, Path privateKey, String source) {
    if (certificate == null || privateKey == null) {
      throw new ConfigException(key, source, "certificate and key must both be set");
    }
    check(key + ".certificate", source, () -> {
      try {
        return PemKeyStore.load(certificate, privateKey);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot load " + certificate + " / " + privateKey + ": " + e.getMessage(), e);
      }
    });
  }

  private static void readable(String key, Path file, String source) {
    if (!Files.isReadable(file)) {
      throw new ConfigException(key, source, "file not found or not readable: " + file);
    }
  }

  private static <T> Optional<T> check(String key, String source, java.util.function.Supplier<T> f) {
    try {
      return Optional.ofNullable(f.get());
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException(key, source, String.valueOf(e.getMessage()));
    }
  }
}
