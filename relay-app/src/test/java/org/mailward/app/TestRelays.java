package org.mailward.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mailward.core.auth.PasswordHasher;
import org.mailward.testkit.Ports;

/** Configuration files for relays under test: loopback, one tenant, cheap password hashing. */
final class TestRelays {
  static final String USER = "apikey-clinic";
  static final String PASSWORD = "correct-horse-battery-staple";
  static final String SENDER = "news@clinic.example";

  private TestRelays() {}

  static int freePort() throws IOException {
    return Ports.free("127.0.0.1");
  }

  /** Writes a config with a fixed port (so clients can reconnect across restarts) and returns it. */
  static Path write(Path dir, int port, String extraYaml) throws IOException {
    return write(dir, port, "transactional", "", extraYaml);
  }

  /**
   * @param tenantYaml more keys of the one tenant, each line indented by four spaces
   * @param extraYaml more top-level keys
   */
  static Path write(Path dir, int port, String purpose, String tenantYaml, String extraYaml) throws IOException {
    return write(dir, port, purpose, tenantYaml, "delivery:\n  enabled: false\n", extraYaml);
  }

  /**
   * A {@code delivery:} section with quick retries and polling, DANE and MTA-STS off.
   *
   * @param route one {@code domain: "next hop"} line of {@code delivery.routes}
   * @param moreYaml more keys under {@code delivery}, indented by two spaces (or empty)
   */
  static String delivery(int dnsPort, String route, String moreYaml) {
    return """
        delivery:
          dns:
            resolver: "127.0.0.1:%d"
            maxCacheTtl: 1s
          routes:
            %s
          retry:
            initialBackoff: 1s
          limits:
            pollInterval: 50ms
          dane:
            enabled: false
          mtaSts:
            enabled: false
        %s
        """.formatted(dnsPort, route, moreYaml);
  }

  /** Tenant keys that make Mailward DKIM-sign every message with {@code keyPem} (passphrase in TEST_DKIM_PASSPHRASE). */
  static String dkimSignsAll(Path keyPem) {
    return """
            policy:
              dkim:
                domain: clinic.example
                selector: s2026
                keyFile: %s
                passphraseEnv: TEST_DKIM_PASSPHRASE
                signAll: true
        """.formatted(keyPem);
  }

  /** Another tenant entry with the same password, to follow the first one (pass it as the last {@code extraYaml}). */
  static String anotherTenant(String id, String username, String purpose) {
    return """
          - id: %s
            username: %s
            passwordHash: "%s"
            senderDomains: [clinic.example]
            defaultPurpose: %s
        """.formatted(id, username, hash(), purpose);
  }

  private static String hash() {
    return new PasswordHasher(8 * 1024, 1, 1).hash(PASSWORD.toCharArray());
  }

  /** @param deliveryYaml the whole top-level {@code delivery:} section */
  static Path write(Path dir, int port, String purpose, String tenantYaml, String deliveryYaml, String extraYaml)
      throws IOException {
    String hash = hash();
    String yaml = """
        hostname: relay.test
        dataDir: %s
        inbound:
          listeners:
            - name: submission
              address: 127.0.0.1
              port: %d
              mode: starttls
          authThrottle:
            failureDelay: 0s
        %s
        metrics:
          enabled: false
        admin:
          port: 0
          throttle:
            maxFailures: 1000
        tenants:
          - id: clinic
            username: %s
            passwordHash: "%s"
            senderDomains: [clinic.example]
            defaultPurpose: %s
        %s
        %s
        """.formatted(dir.resolve("data"), port, deliveryYaml, USER, hash, purpose, tenantYaml, extraYaml);
    Path f = dir.resolve("mailward.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /**
   * A {@code delivery:} section that sends {@code domain} to {@code mxHost} (resolved by a test dnsmasq)
   * over STARTTLS verified against {@code caPem}, retrying after 1 s; DANE and MTA-STS off (dnsmasq has no DNSSEC).
   */
  static String deliveryVia(int dnsPort, String domain, String mxHost, int mxPort, Path caPem) {
    return delivery(dnsPort, domain + ": \"[" + mxHost + "]:" + mxPort + "\"", "  tls:\n    trustAnchors: " + caPem);
  }
}
