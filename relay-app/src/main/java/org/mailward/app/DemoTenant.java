package org.mailward.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;
import org.mailward.core.auth.PasswordHasher;

/**
 * The tenant an embedded relay (no tenants configured) starts with, so that a
 * newcomer can send a first message at once. Its password is random, printed
 * once on first start, and only its Argon2id hash is kept
 * ({@code dataDir/demo-tenant.phc}, mode 0600).
 */
final class DemoTenant {
  static final String USERNAME = "demo";
  static final String SENDER_DOMAIN = "demo.example";

  private DemoTenant() {}

  /** Letters and digits only: safe to paste into a shell or a swaks command line. */
  static String randomPassword(SecureRandom random, int length) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static ConfiguredTenants ensure(Path dataDir, PrintStream out) throws IOException {
    Path file = dataDir.resolve("demo-tenant.phc");
    String hash;
    if (Files.exists(file)) {
      hash = Files.readString(file, StandardCharsets.US_ASCII).trim();
      out.println("Demo tenant '" + USERNAME + "' (password printed on first start; delete " + file
          + " to make a new one).");
    } else {
      String password = randomPassword(new SecureRandom(), 24);
      hash = new PasswordHasher().hash(password.toCharArray());
      FirstStart.writePrivate(file, hash.getBytes(StandardCharsets.US_ASCII));
      out.println("Demo tenant created. These credentials are shown once:");
      out.println("  username: " + USERNAME);
      out.println("  password: " + password);
      out.println("  sender domain: " + SENDER_DOMAIN + " (MAIL FROM must use it)");
    }
    Tenant demo = new Tenant(new TenantId("demo"), USERNAME, hash, Set.of(SENDER_DOMAIN),
        new TenantLimits(1000, 50L << 20, 200, 0), Purpose.TRANSACTIONAL, SecurityLevel.ENCRYPT, TlsFallback.DEFER);
    return new ConfiguredTenants(List.of(demo));
  }
}
