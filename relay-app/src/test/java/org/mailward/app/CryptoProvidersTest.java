package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.mailward.app.config.MailwardConfig.CryptoProvider;

/**
 * crypto.provider: auto puts AWS-LC first on this platform, and what it seals or
 * signs is read by the JDK's own providers and the other way round (so switching
 * crypto.provider between restarts leaves the spool readable).
 */
class CryptoProvidersTest {
  private static final String ACCP = "AmazonCorrettoCryptoProvider";

  @Test
  void jdkMode_leavesTheProvidersAlone() {
    assertThat(CryptoProviders.install(CryptoProvider.JDK)).startsWith("JDK providers");
  }

  @Test
  void auto_putsAwsLcFirst_forAesGcmAndRsaSignatures() throws Exception {
    assumeLinuxX64();
    assertThat(CryptoProviders.install(CryptoProvider.AUTO)).contains("AWS-LC").contains("first");
    assertThat(Security.getProviders()[0].getName()).isEqualTo(ACCP);
    assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName()).isEqualTo(ACCP);
    assertThat(Signature.getInstance("SHA256withRSA").getProvider().getName()).isEqualTo(ACCP);
    assertThat(CryptoProviders.install(CryptoProvider.AUTO)).as("idempotent").contains("AWS-LC");
    assertThat(java.util.Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(ACCP))).hasSize(1);
  }

  @Test
  void aesGcm_sealedByOneProvider_opensWithTheOther_andATamperedFrameFailsInBoth() throws Exception {
    assumeLinuxX64();
    CryptoProviders.install(CryptoProvider.AUTO);
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] aad = new byte[25];
    byte[] plain = new byte[40_000];
    random.nextBytes(key);
    random.nextBytes(nonce);
    random.nextBytes(aad);
    random.nextBytes(plain);
    for (String[] pair : new String[][] {{ACCP, "SunJCE"}, {"SunJCE", ACCP}}) {
      byte[] sealed = gcm(pair[0], Cipher.ENCRYPT_MODE, key, nonce, aad, plain);
      assertThat(gcm(pair[1], Cipher.DECRYPT_MODE, key, nonce, aad, sealed)).isEqualTo(plain);
      sealed[100] ^= 1;
      for (String p : pair) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gcm(p, Cipher.DECRYPT_MODE, key, nonce, aad, sealed))
            .isInstanceOf(javax.crypto.AEADBadTagException.class);
      }
    }
  }

  @Test
  void rsaSignatures_areTheSameBytes_inBothProviders_andVerifyInTheJdk() throws Exception {
    assumeLinuxX64();
    CryptoProviders.install(CryptoProvider.AUTO);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    byte[] data = "dkim-signature:v=1; a=rsa-sha256; d=clinic.example".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] fast = sign(ACCP, kp, data);
    assertThat(fast).isEqualTo(sign("SunRsaSign", kp, data)); // PKCS#1 v1.5 is deterministic
    Signature v = Signature.getInstance("SHA256withRSA", "SunRsaSign");
    v.initVerify(kp.getPublic());
    v.update(data);
    assertThat(v.verify(fast)).isTrue();
  }

  /** The build ships AWS-LC for linux-x86_64 only; there it must load, elsewhere the JDK serves. */
  private static void assumeLinuxX64() {
    String arch = System.getProperty("os.arch");
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && (arch.equals("amd64") || arch.equals("x86_64")), "AWS-LC is bundled for linux-x86_64 only");
  }

  private static byte[] gcm(String provider, int mode, byte[] key, byte[] nonce, byte[] aad, byte[] in) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    return c.doFinal(in);
  }

  private static byte[] sign(String provider, KeyPair kp, byte[] data) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA", provider);
    s.initSign(kp.getPrivate());
    s.update(data);
    return s.sign();
  }
}
